import { sampleWiseMedian, typicalBeats } from './median-beat';
import { overlapsGap, type MissingStretch } from './missing-stretches';

const halfWindowS = 0.08;
const maxLagS = 0.04;
/** Below this correlation the beat has another shape (an ectopic beat): it keeps its fiducial. */
const sameShape = 0.7;

/**
 * Re-times detected beats on the QRS itself before they are averaged. The detector's fiducial
 * is the peak of an energy envelope; where the envelope has two humps of similar height (the
 * upstroke and downstroke of a narrow QRS, the notches of a broad one) the fiducial can land on
 * one or the other from beat to beat, 20–40 ms apart. A median over beats misaligned like that is a
 * smeared, double-peaked complex: QRS measured long, amplitudes low, the P wave blurred
 * (misalignment low-pass filters an average: Jané et al., IEEE Trans Biomed Eng 38:571, 1991,
 * where alignment by correlation with a template, matched filtering, is the usual method). So
 * each beat is shifted to where its QRS best matches the median QRS (signed, all leads
 * together), twice, the second time against the realigned median.
 * `missingByLead`: per lead (same order), the stretches missing in it (missing-stretches.ts
 * `missingInLead`), where the cleaning put zeros. A lead takes no part in the timing of a beat
 * whose search window reaches into one, nor in its QRS template: with I and II of PTB-XL 00143
 * missing for 0.3 s at five beats, their zeros re-timed one beat 40 ms late (110 → 114 at
 * 100 Hz), an RR of 890 and one of 820 ms on a regular rhythm of 850.
 */
export function alignBeats(cleanLeads: readonly Float64Array[], beats: readonly number[], fs: number, missingByLead: readonly (readonly MissingStretch[])[] = []): number[] {
  const half = Math.round(halfWindowS * fs);
  const maxLag = Math.round(maxLagS * fs);
  const n = cleanLeads[0]?.length ?? 0;
  let aligned = [...beats];
  if (beats.length < 3 || n === 0) return aligned;
  for (let pass = 0; pass < 2; pass++) {
    const template = qrsTemplate(cleanLeads, typicalBeats(aligned), half, n, missingByLead);
    if (!template) return aligned;
    aligned = aligned.map((b) => b + bestLag(cleanLeads, template, b, half, maxLag, leadsInGap(missingByLead, b - half - maxLag, b + half + maxLag + 1)));
  }
  return aligned;
}

/** Indices of the leads with a missing stretch of theirs in [from, to). */
function leadsInGap(missingByLead: readonly (readonly MissingStretch[])[], from: number, to: number): ReadonlySet<number> {
  return new Set(missingByLead.flatMap((gaps, k) => (overlapsGap(gaps, from, to) ? [k] : [])));
}

/**
 * Per lead, the sample-wise median of [b − half, b + half] over the beats that fit in the record
 * and whose window is recorded in that lead; null for a lead left with none (it then times no beat).
 */
function qrsTemplate(leads: readonly Float64Array[], beats: readonly number[], half: number, n: number, missingByLead: readonly (readonly MissingStretch[])[]): (Float64Array | null)[] | undefined {
  const inside = beats.filter((b) => b - half >= 0 && b + half < n);
  if (inside.length < 3) return undefined;
  if (!missingByLead.some((gaps) => gaps.length > 0)) return sampleWiseMedian(leads, inside, half, half + 1);
  return leads.map((lead, k) => {
    const recorded = inside.filter((b) => !overlapsGap(missingByLead[k] ?? [], b - half, b + half + 1));
    return recorded.length > 0 ? (sampleWiseMedian([lead], recorded, half, half + 1)[0] as Float64Array) : null;
  });
}

/** The shift within ±maxLag maximising the beat's correlation with the template; 0 where none reaches `sameShape`. */
function bestLag(leads: readonly Float64Array[], template: readonly (Float64Array | null)[], at: number, half: number, maxLag: number, skip: ReadonlySet<number>): number {
  const n = leads[0]?.length ?? 0;
  if (at - half - maxLag < 0 || at + half + maxLag >= n) return 0;
  let best = 0;
  let bestR = sameShape;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = correlationAt(leads, template, at + lag, half, skip);
    if (r > bestR) {
      bestR = r;
      best = lag;
    }
  }
  return best;
}

/** Uncentred correlation over the leads together (each lead's QRS already has its baseline near 0), those in `skip` or without a template left out. */
function correlationAt(leads: readonly Float64Array[], template: readonly (Float64Array | null)[], centre: number, half: number, skip: ReadonlySet<number>): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  leads.forEach((lead, k) => {
    const t = template[k];
    if (!t || skip.has(k)) return;
    for (let i = -half; i <= half; i++) {
      const x = lead[centre + i] as number;
      const y = t[i + half] as number;
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
  });
  return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
}
