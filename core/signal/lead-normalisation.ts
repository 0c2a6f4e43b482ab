import type { RecordQuality, NamedLead } from './record-quality';

/**
 * Files whose leads were each rescaled to one peak-to-peak range before they were written, so
 * that their millivolts are not the ones recorded. LUDB 1.0.1 as PhysioNet publishes it is
 * such a file set: every lead of all 200 records spans exactly 1.000 mV from its lowest to its
 * highest sample (the headers' per-lead gains, `1716(6)/mV`, were chosen to make it so). Timing
 * survives the rescaling; anything read from amplitudes does not: low voltage, the frontal axes
 * (computed from the limb leads' relative net areas), ST levels.
 *
 * Recorded leads never share a range: on the 456 PTB-XL pool records the largest lead's range
 * is at least 1.89 times the smallest's. Equal within `sameRangeTolerance` on at least
 * `minLeads` leads is therefore rescaling, not physiology. Clipped leads are left out (an
 * amplifier rail gives leads the same extremes for another reason); fewer than `minLeads`
 * leads left say nothing.
 */
export const leadNormalisationRules = { minLeads: 6, sameRangeTolerance: 0.01 } as const;

export interface LeadNormalisation {
  /** The peak-to-peak range every lead has, mV. */
  readonly rangeMv: number;
  readonly leads: number;
}

/** Full peak-to-peak of the finite samples (not the robust range: rescaling sets the extremes). */
function peakToPeak(samples: ArrayLike<number>): number | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo ? hi - lo : undefined;
}

/** The common range when the record's leads were rescaled one by one, else undefined. */
export function leadByLeadNormalisation(leads: readonly NamedLead[], quality: RecordQuality): LeadNormalisation | undefined {
  const ranges: number[] = [];
  for (const lead of leads) {
    const issues = quality.leads[lead.name]?.issues ?? [];
    if (issues.includes('missing') || issues.includes('flat') || issues.includes('clipped')) continue;
    const range = peakToPeak(lead.samples);
    if (range !== undefined) ranges.push(range);
  }
  if (ranges.length < leadNormalisationRules.minLeads) return undefined;
  const smallest = Math.min(...ranges);
  const largest = Math.max(...ranges);
  if (largest > smallest * (1 + leadNormalisationRules.sameRangeTolerance)) return undefined;
  return { rangeMv: (smallest + largest) / 2, leads: ranges.length };
}

/** The caveat's words, shown wherever the measurements are. */
export function leadNormalisationText(n: LeadNormalisation & { readonly axesRestored: boolean }): string {
  const what = n.axesRestored
    ? "so voltage and ST levels are not interpretable; the axes were computed after restoring the limb leads' proportions from Einthoven's and Goldberger's relations"
    : 'so voltage, axis and ST levels are not interpretable';
  return `every lead spans the same ${n.rangeMv.toFixed(2)} mV peak to peak (${n.leads} leads): the file's amplitudes were rescaled lead by lead, not recorded, ${what}`;
}

/**
 * How the four derived limb leads follow from I and II (Einthoven: III = II − I; Goldberger:
 * aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2), and from the least-squares coefficients
 * (cI, cII) of a rescaled lead on the rescaled I and II: its scale relative to I's, and the
 * estimate of I's scale over II's that it implies. Each coefficient is the relation's weight
 * times the lead's scale over I's or II's.
 */
const derivedLimbLeads: Record<string, { scale: (cI: number, cII: number) => number; ratio: (cI: number, cII: number) => number }> = {
  III: { scale: (cI) => -cI, ratio: (cI, cII) => cII / -cI },
  aVR: { scale: (cI) => -2 * cI, ratio: (cI, cII) => cII / cI },
  aVL: { scale: (cI) => cI, ratio: (cI, cII) => (-2 * cII) / cI },
  aVF: { scale: (cI) => -2 * cI, ratio: (cI, cII) => cII / (-2 * cI) },
};

/**
 * Carts record I and II and compute the other four limb leads from them, so the relations hold
 * sample for sample; on LUDB 1.0.1 every fit explains ≥ 99.98 % of the rescaled lead's variance
 * and the four estimates of I's scale over II's agree within 1.2 % (on the recorded PTB-XL pool,
 * the factors come out 1 within 1.0 %). Less agreement than this
 * means the leads were not derived that way, or not rescaled by a factor alone: no restoring.
 */
export const limbProportionRules = { minExplained: 0.99, ratioTolerance: 0.05 } as const;

/** Least squares y ≈ a·u + b·v, with the share of y's energy it explains. */
function fitTwo(u: Float64Array, v: Float64Array, y: Float64Array): { a: number; b: number; explained: number } {
  let uu = 0;
  let uv = 0;
  let vv = 0;
  let uy = 0;
  let vy = 0;
  let yy = 0;
  for (let i = 0; i < y.length; i++) {
    const [ui, vi, yi] = [u[i] as number, v[i] as number, y[i] as number];
    uu += ui * ui;
    uv += ui * vi;
    vv += vi * vi;
    uy += ui * yi;
    vy += vi * yi;
    yy += yi * yi;
  }
  const det = uu * vv - uv * uv;
  if (det <= 0 || yy <= 0) return { a: 0, b: 0, explained: 0 };
  const a = (uy * vv - vy * uv) / det;
  const b = (vy * uu - uy * uv) / det;
  let residual = 0;
  for (let i = 0; i < y.length; i++) residual += ((y[i] as number) - a * (u[i] as number) - b * (v[i] as number)) ** 2;
  return { a, b, explained: 1 - residual / yy };
}

/**
 * Factors that bring the six limb leads of a file rescaled lead by lead back to one common
 * scale (lead I's), keyed by lead name, from the leads as cleaned for measurement
 * (median-beat.ts `cleanForMeasurement`); undefined when a limb lead is missing or the relations
 * do not hold (`limbProportionRules`). The common scale itself stays unknown, so voltages stay
 * uninterpretable, but the frontal axis, a direction, needs only the proportions.
 */
export function limbProportions(cleanLeads: readonly { readonly name: string; readonly samples: Float64Array }[]): Map<string, number> | undefined {
  const byName = new Map(cleanLeads.map((l) => [l.name, l.samples]));
  const u = byName.get('I');
  const v = byName.get('II');
  if (!u || !v) return undefined;
  const scales = new Map<string, number>([['I', 1]]);
  const ratios: number[] = [];
  for (const [name, relation] of Object.entries(derivedLimbLeads)) {
    const y = byName.get(name);
    if (!y) return undefined;
    const fit = fitTwo(u, v, y);
    const scale = relation.scale(fit.a, fit.b);
    const ratio = relation.ratio(fit.a, fit.b);
    if (fit.explained < limbProportionRules.minExplained || !(scale > 0) || !(ratio > 0)) return undefined;
    scales.set(name, scale);
    ratios.push(ratio);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const ratio = ((sorted[1] as number) + (sorted[2] as number)) / 2;
  if (ratios.some((r) => Math.abs(r - ratio) > limbProportionRules.ratioTolerance * ratio)) return undefined;
  scales.set('II', 1 / ratio);
  return new Map([...scales].map(([name, scale]) => [name, 1 / scale]));
}
