/** Beat-by-beat comparison of detections with reference annotations (one-to-one, within a tolerance). */
export interface BeatMatch {
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
  /** TP / (TP + FN), NaN when there is no reference beat. */
  readonly sensitivity: number;
  /** TP / (TP + FP), NaN when nothing was detected. */
  readonly ppv: number;
}

/**
 * Greedy one-to-one matching in time order: each reference beat takes the nearest unused
 * detection within `tolerance` samples. Detections outside [first − tol, last + tol] of the
 * reference (unannotated edges) are ignored, as in the usual ANSI/AAMI-style scoring window.
 */
export function matchBeats(reference: readonly number[], detected: readonly number[], tolerance: number): BeatMatch {
  const ref = [...reference].sort((a, b) => a - b);
  const lo = (ref[0] ?? 0) - tolerance;
  const hi = (ref[ref.length - 1] ?? -1) + tolerance;
  const det = [...detected].sort((a, b) => a - b).filter((d) => d >= lo && d <= hi);
  const used = new Uint8Array(det.length);
  let tp = 0;
  for (const r of ref) {
    let best = -1;
    for (let k = 0; k < det.length; k++) {
      if (used[k] || Math.abs((det[k] as number) - r) > tolerance) continue;
      if (best < 0 || Math.abs((det[k] as number) - r) < Math.abs((det[best] as number) - r)) best = k;
    }
    if (best >= 0) {
      used[best] = 1;
      tp++;
    }
  }
  const fn = ref.length - tp;
  const fp = det.length - tp;
  return { truePositives: tp, falseNegatives: fn, falsePositives: fp, sensitivity: tp / (tp + fn), ppv: tp / (tp + fp) };
}

/** Sums several records' matches into one. */
export function totalMatch(matches: readonly BeatMatch[]): BeatMatch {
  const tp = matches.reduce((s, m) => s + m.truePositives, 0);
  const fn = matches.reduce((s, m) => s + m.falseNegatives, 0);
  const fp = matches.reduce((s, m) => s + m.falsePositives, 0);
  return { truePositives: tp, falseNegatives: fn, falsePositives: fp, sensitivity: tp / (tp + fn), ppv: tp / (tp + fp) };
}
