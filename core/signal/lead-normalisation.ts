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
export function leadNormalisationText(n: LeadNormalisation): string {
  return `every lead spans the same ${n.rangeMv.toFixed(2)} mV peak to peak (${n.leads} leads): the file's amplitudes were rescaled lead by lead, not recorded, so voltage, axis and ST levels are not interpretable`;
}
