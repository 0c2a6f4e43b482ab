import { canonicalLeads } from '../formats/record';
import { counted } from '../contract/counted';
import { heldSamples, type HeldSamples } from './held-samples';
import { missingInEveryLead, type MissingStretch } from './missing-stretches';
import { assessLead, type LeadQuality, type QualityIssue } from './quality';

/**
 * Record-level verdict that predictions use to abstain:
 * - `good`: every expected lead passed every check;
 * - `degraded`: readable, but some leads have issues, the recorder cut some QRS complexes, or
 *   a stretch is missing in every lead (predictions are shown with the issues);
 * - `unusable`: predictions must abstain (no beats found, too short, or too many leads lost).
 */
export const qualityVerdicts = ['good', 'degraded', 'unusable'] as const;
export type QualityVerdict = (typeof qualityVerdicts)[number];

export interface RecordQuality {
  /** Keyed by lead name, in `expectedLeads` order followed by any other leads of the record. */
  readonly leads: Record<string, LeadQuality>;
  readonly verdict: QualityVerdict;
  /** Why the verdict is not `good` (empty when it is). */
  readonly reasons: string[];
  /**
   * What made the verdict `unusable` (empty otherwise): a 12-lead model needs the leads a
   * two-lead Holter record lacks (`leadsLost`), while measurements need only some clean leads;
   * the others (rate, too short, no beats, noise) make intervals unreadable too.
   */
  readonly unusableBecause: UnusableCause[];
  /** QRS complexes the recorder cut (every lead held, then jumped: held-samples.ts), indices into the detected beats; absent when none. */
  readonly heldComplexes?: HeldSamples;
}

export const unusableCauses = ['rate', 'short', 'noBeats', 'leadsLost', 'noisy'] as const;
export type UnusableCause = (typeof unusableCauses)[number];

export interface NamedLead {
  readonly name: string;
  readonly samples: ArrayLike<number>;
}

/** A 12-lead model tolerates a few zeroed leads (its training drops leads at random), not more. */
const maxLostLeads = 3;
/**
 * Muscle noise or clipping on this many leads at once makes the tracing unreliable. Wander
 * and mains are left out: the model's band-pass removes most of them (they still degrade).
 */
const maxNoisyLeads = 6;
const irreparable = (q: LeadQuality) => q.issues.includes('highFrequencyNoise') || q.issues.includes('clipped');
const minDurationS = 2;
const minRateHz = 20;

const lost = (q: LeadQuality) => q.issues.includes('missing') || q.issues.includes('flat');

/**
 * Quality of every lead plus the verdict. `beats` come from QRS detection on the same record
 * (an empty list with `noBeatsReason` means detection failed); `expectedLeads` are the leads a
 * model needs (canonical 12 by default): one the record lacks is reported as missing.
 */
export function assessRecord(
  leads: readonly NamedLead[],
  fs: number,
  detection: { beats: readonly number[]; reason?: string },
  expectedLeads: readonly string[] = canonicalLeads,
): RecordQuality {
  const byName = new Map(leads.map((l) => [l.name, l.samples]));
  const names = [...expectedLeads, ...leads.map((l) => l.name).filter((n) => !expectedLeads.includes(n))];
  const quality: Record<string, LeadQuality> = {};
  const rateOk = fs >= minRateHz && Number.isFinite(fs);
  // At an impossible rate no check can run: every lead counts as missing, and the reason says why.
  for (const name of names) quality[name] = rateOk ? assessLead(byName.get(name), fs, detection.beats) : { ok: false, issues: ['missing'], metrics: null };
  const reasons: string[] = [];
  const causes: UnusableCause[] = [];
  const block = (cause: UnusableCause, reason: string) => {
    causes.push(cause);
    reasons.push(reason);
  };
  const n = leads[0]?.samples.length ?? 0;
  if (!rateOk) block('rate', `sampling rate ${fs} Hz is too low to assess (need ≥ ${minRateHz} Hz)`);
  else if (n < minDurationS * fs) block('short', `record too short for analysis (${(n / fs).toFixed(2)} s < ${minDurationS} s)`);
  if (detection.beats.length === 0) block('noBeats', `no beats detected${detection.reason ? `: ${detection.reason}` : ''}`);
  const expected = expectedLeads.map((name) => [name, quality[name] as LeadQuality] as const);
  const lostLeads = expected.filter(([, q]) => lost(q)).map(([name]) => name);
  if (lostLeads.length > maxLostLeads) block('leadsLost', `${lostLeads.length} of ${expectedLeads.length} leads missing or flat (${lostLeads.join(', ')})`);
  const noisy = expected.filter(([, q]) => irreparable(q)).map(([name]) => name);
  if (noisy.length >= maxNoisyLeads) block('noisy', `${noisy.length} leads with muscle noise or clipping (${noisy.join(', ')})`);
  if (reasons.length > 0) return { leads: quality, verdict: 'unusable', reasons, unusableBecause: causes };
  const issues = names.flatMap((name) => (quality[name] as LeadQuality).issues.map((issue) => `${name}: ${issueText[issue]}`));
  // A recorder that cut QRS peaks leaves every lead "clean" but the complexes not the heart's: a
  // model reads them as they are, so its output is shown with that issue, like a noisy lead's.
  const present = names.flatMap((name) => {
    const samples = byName.get(name);
    return samples !== undefined && !lost(quality[name] as LeadQuality) ? [samples] : [];
  });
  const held = heldSamples(present, fs, detection.beats);
  const cut = held.beats.length > 0 ? { heldComplexes: held } : {};
  if (held.beats.length > 0) issues.push(`${held.beats.length} of ${detection.beats.length} QRS complexes cut by the recorder (every lead held, then jumped)`);
  // Every lead "passes" around a stretch where none recorded anything, yet that much of the
  // tracing is not there to read (a pause, a premature beat could lie in it): said, with where.
  const gaps = missingInEveryLead(leads);
  if (gaps.length > 0) issues.push(missingText(gaps, fs));
  return issues.length > 0 ? { leads: quality, verdict: 'degraded', reasons: issues, unusableBecause: [], ...cut } : { leads: quality, verdict: 'good', reasons, unusableBecause: [] };
}

/** Stretches listed by where they are; more than this are counted. */
const listedStretches = 3;

/** "1.50 s missing in every lead (4.00–5.50 s)"; several: "2.30 s missing in every lead, in 2 stretches (1.00–1.50 s, 4.00–5.50 s)". */
export function missingText(gaps: readonly MissingStretch[], fs: number): string {
  const total = gaps.reduce((sum, g) => sum + g.to - g.from, 0) / fs;
  const at = (g: MissingStretch) => `${(g.from / fs).toFixed(2)}–${(g.to / fs).toFixed(2)} s`;
  const where = gaps.slice(0, listedStretches).map(at);
  if (gaps.length > listedStretches) where.push(`${gaps.length - listedStretches} more`);
  const how = gaps.length > 1 ? `, in ${counted(gaps.length, 'stretch', 'stretches')}` : '';
  return `${seconds(total)} missing in every lead${how} (${where.join(', ')})`;
}

/** A duration at a precision that shows a few samples as well as seconds: "1.50 s", "4 ms". */
const seconds = (s: number): string => (s < 0.1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

/**
 * Each quality issue in the one wording a reader sees for it: the lead's badge, the record's
 * reasons and the measurements' caveat on intervals measured on flagged leads all use it. Where
 * it helps, the words say the usual cause (muscle) or what was lost (the amplifier's range).
 */
export const issueText: Record<QualityIssue, string> = {
  missing: 'missing',
  flat: 'flat (no signal)',
  clipped: 'clipped at the amplifier range',
  baselineWander: 'baseline wander',
  highFrequencyNoise: 'high-frequency (muscle) noise',
  mainsInterference: 'mains interference',
};
