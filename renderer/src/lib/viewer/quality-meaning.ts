import { listed } from '../../../../core/contract/counted';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';

type Quality = RecordMeasurements['quality'];

export interface QualityMeaning {
  /** The badge's words. */
  readonly badge: string;
  /** Class of the panel's colour: the verdict, or 'leads-missing' for a record unusable only for want of leads. */
  readonly tone: Quality['verdict'] | 'leads-missing';
  /** What the verdict means for this record, with how many recorded leads are flagged. */
  readonly meaning: string;
}

const meaningOf = {
  good: 'every lead passed every check',
  degraded: 'readable, with issues (leads with one are flagged in their cells)',
  unusable: 'automatic analysis is not reliable on this tracing',
} as const;

/**
 * A record is degraded as a whole, with no lead flagged, when the recorder cut QRS complexes or a
 * stretch is missing in every lead (record-quality.ts): the panel said the flagged cells showed the
 * issues, and a reader looked for cells that were not flagged. It now says where they are (as for a
 * record degraded only by a lead it lacks, which is not counted as flagged).
 */
const degradedNoLeadFlagged = 'readable, with issues listed under Why; no recorded lead is flagged';

/**
 * A lead missing for short stretches at most beats passes every signal check (the record stays
 * good) but is left out of the median beat (core/engine/record-measurements.ts `qualityRow`):
 * "every lead passed every check" beside its flagged cell read as a contradiction.
 */
const goodWithLeadsLeftOut = (leads: readonly string[]): string => `every lead passed the signal checks; ${listed(leads)} left out of the median beat (why in ${leads.length > 1 ? 'their cells' : 'its cell'})`;

/** The quality panel's badge and meaning line for a record's signal quality. */
export function qualityMeaning(quality: Quality): QualityMeaning {
  // Leads the record lacks are in the reasons ("10 of 12 leads missing"), not counted as flagged.
  const recorded = quality.leads.filter((l) => !l.issues.includes('missing'));
  const flagged = recorded.filter((l) => !l.ok).length;
  // Unusable for the model only because leads are absent: the leads present may be clean, and a
  // badge reading "Signal quality: unusable" was taken by a reviewer for a bad recording.
  if (quality.verdict === 'unusable' && quality.leadsMissingOnly === true) {
    return { badge: 'Leads missing', tone: 'leads-missing', meaning: withFlagged('too few of the 12 leads for the AI model, which abstains; the measurements use the leads present', flagged, recorded.length) };
  }
  const leftOut = recorded.filter((l) => l.leftOut !== undefined).map((l) => l.lead);
  const meaning = quality.verdict === 'degraded' && flagged === 0 ? degradedNoLeadFlagged : quality.verdict === 'good' && leftOut.length > 0 ? goodWithLeadsLeftOut(leftOut) : meaningOf[quality.verdict];
  return { badge: `Signal quality: ${quality.verdict}`, tone: quality.verdict, meaning: withFlagged(meaning, flagged, recorded.length) };
}

const withFlagged = (meaning: string, flagged: number, recorded: number): string => (flagged > 0 ? `${meaning} · ${flagged} of ${recorded} recorded leads flagged` : meaning);
