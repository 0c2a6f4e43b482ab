import { sampleWiseMedian, typicalBeats } from './median-beat';

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
 */
export function alignBeats(cleanLeads: readonly Float64Array[], beats: readonly number[], fs: number): number[] {
  const half = Math.round(halfWindowS * fs);
  const maxLag = Math.round(maxLagS * fs);
  const n = cleanLeads[0]?.length ?? 0;
  let aligned = [...beats];
  if (beats.length < 3 || n === 0) return aligned;
  for (let pass = 0; pass < 2; pass++) {
    const template = qrsTemplate(cleanLeads, typicalBeats(aligned), half, n);
    if (!template) return aligned;
    aligned = aligned.map((b) => b + bestLag(cleanLeads, template, b, half, maxLag));
  }
  return aligned;
}

/** Per lead, the sample-wise median of [b − half, b + half] over the beats that fit in the record. */
function qrsTemplate(leads: readonly Float64Array[], beats: readonly number[], half: number, n: number): Float64Array[] | undefined {
  const inside = beats.filter((b) => b - half >= 0 && b + half < n);
  return inside.length < 3 ? undefined : sampleWiseMedian(leads, inside, half, half + 1);
}

/** The shift within ±maxLag maximising the beat's correlation with the template; 0 where none reaches `sameShape`. */
function bestLag(leads: readonly Float64Array[], template: readonly Float64Array[], at: number, half: number, maxLag: number): number {
  const n = leads[0]?.length ?? 0;
  if (at - half - maxLag < 0 || at + half + maxLag >= n) return 0;
  let best = 0;
  let bestR = sameShape;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = correlationAt(leads, template, at + lag, half);
    if (r > bestR) {
      bestR = r;
      best = lag;
    }
  }
  return best;
}

/** Uncentred correlation over all leads together (each lead's QRS already has its baseline near 0). */
function correlationAt(leads: readonly Float64Array[], template: readonly Float64Array[], centre: number, half: number): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  leads.forEach((lead, k) => {
    const t = template[k] as Float64Array;
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
