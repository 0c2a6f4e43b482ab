import { z } from 'zod';
import { canonicalLeads, recordSeconds } from '../formats/record';
import { measuredQrsMs } from '../signal/measure';
import { detectPacing, minPacingRateHz, type PacingResult } from '../signal/pacing';
import type { RecordReadings } from '../signal/record-readings';
import { pacingUnseenWideQrs } from '../signal/unseen-pacing';
import type { PipelineConfig } from '../signal/pipeline-config';
import { pipelineCrop, pipelineRate } from './pipelines';
import { wordFor } from '../contract/counted';

/**
 * What a package is for (issue 12 item 5): the input it was trained to read. A record outside it
 * gets no number: the model abstains and says which part of its intended use the record misses.
 */
export const intendedInputSchema = z.object({
  /** Patient ages in years; a record whose file states an age outside them is out of scope (null: open bound). */
  ageYears: z.object({ min: z.number().nonnegative().nullable(), max: z.number().positive().nullable() }),
  /** 'excluded': a record with pacemaker spikes is out of scope (paced QRS complexes mimic bundle-branch block and infarction). */
  pacing: z.enum(['excluded', 'allowed']),
  /** Leads the record must have (with signal in them). */
  requiredLeads: z.array(z.enum(canonicalLeads)).min(1),
  /** Shortest record in seconds. */
  minSeconds: z.number().nonnegative(),
  /**
   * Where minSeconds comes from. Absent in packages written before it was stated: their minimum was
   * one model window, shorter than any record they were validated on (intendedInputOf raises it).
   */
  minSecondsBasis: z.enum(['validation records', 'one model window', 'resting ECG']).optional(),
  /** Sampling rates the record may have: below the model's own rate the signal was never there. */
  fsHz: z.object({ min: z.number().positive(), max: z.number().positive() }),
  /** 'ecg': surface ECG leads only; a record holding other channels (pressure, respiration, SpO₂ …) is out of scope. */
  channels: z.literal('ecg'),
});
export type IntendedInput = z.infer<typeof intendedInputSchema>;

/**
 * The intended input of a package trained with this pipeline (and of older packages, which did
 * not state one): adults (the training sets are adult 12-lead resting ECGs), no pacing, every
 * lead the pipeline feeds, at least one model window, sampled at the model's rate or faster.
 */
export function defaultIntendedInput(pipeline: PipelineConfig): IntendedInput {
  const rate = pipelineRate(pipeline);
  return {
    ageYears: { min: 18, max: null },
    pacing: 'excluded',
    requiredLeads: [...pipeline.leads],
    minSeconds: oneWindowSeconds(pipeline),
    minSecondsBasis: 'one model window',
    fsHz: { min: rate ?? 100, max: 20_000 },
    channels: 'ecg',
  };
}

function oneWindowSeconds(pipeline: PipelineConfig): number {
  const rate = pipelineRate(pipeline);
  const crop = pipelineCrop(pipeline);
  return rate && crop ? crop / rate : 0;
}

/**
 * The shortest record a trained package is for: the shortest of the records its thresholds and
 * calibration were fitted on (floored to 0.1 s), and never less than one model window. A model
 * validated on 10 s ECGs gave "RBBB flagged" on the first 3 s of a sinus ECG whose whole 10 s it
 * read as normal: its figures say nothing about records that short.
 */
export function withValidatedDuration(intended: IntendedInput, pipeline: PipelineConfig, validationSeconds: readonly number[]): IntendedInput {
  const window = oneWindowSeconds(pipeline);
  if (validationSeconds.length === 0) return { ...intended, minSeconds: window, minSecondsBasis: 'one model window' };
  const shortest = Math.floor(Math.min(...validationSeconds) * 10) / 10;
  return shortest > window ? { ...intended, minSeconds: shortest, minSecondsBasis: 'validation records' } : { ...intended, minSeconds: window, minSecondsBasis: 'one model window' };
}

/** The standard resting ECG's 10 s: the floor for packages that did not record what they were validated on. */
const restingEcgSeconds = 10;

/**
 * A package written before it stated where its minimum duration came from stated one model window
 * (2.5 s) though it was validated on whole resting ECGs; it is held to the resting ECG's 10 s.
 */
export function withLegacyDurationFloor(intended: IntendedInput): IntendedInput {
  if (intended.minSecondsBasis !== undefined || intended.minSeconds >= restingEcgSeconds) return intended;
  return { ...intended, minSeconds: restingEcgSeconds, minSecondsBasis: 'resting ECG' };
}

const basisText: Record<NonNullable<IntendedInput['minSecondsBasis']>, string> = {
  'validation records': 'the shortest record it was validated on',
  'one model window': 'one model window',
  'resting ECG': 'the standard resting ECG it was validated on; the package does not state shorter ones',
};

/** Surface-ECG channel names beyond the 12 standard leads (Frank XYZ, right-sided and posterior leads, monitoring leads). */
const ecgChannel = /^(i|ii|iii|avr|avl|avf|-avr|v\d{1,2}r?|v\d{1,2}-v\d{1,2}|x|y|z|vx|vy|vz|ml.*|mcl\d|cm\d|d\d|ecg.*|lead.*|ekg.*)$/i;

export interface ScopeVerdict {
  /** Why the record is outside the model's intended input; empty when inside. */
  readonly reasons: string[];
  /** What could not be checked (e.g. pacing at 100 Hz), shown with the prediction. */
  readonly notes: string[];
}

export interface ScopeInput {
  readonly fs: number;
  readonly leads: readonly { readonly name: string; readonly samples: Float32Array }[];
  readonly patient?: { readonly ageYears?: number | undefined } | undefined;
}

/**
 * A lead the record holds. One that holds a single value throughout (CinC JS20004's V2, V4 and V6
 * are all zeros) was not recorded: a file's way of saying "missing", and the model was scored
 * on it with confident numbers. A lead that is merely near-flat is a signal-quality matter,
 * judged by the quality gate.
 */
export function hasSignal(samples: Float32Array | undefined): boolean {
  if (samples === undefined) return false;
  let first: number | undefined;
  for (const v of samples) {
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** Which part of a model's intended input a record misses: what evaluation counts left-out records by. */
export const scopeReasonKinds = ['channels', 'rate', 'leads', 'duration', 'age', 'pacing'] as const;
export type ScopeReasonKind = (typeof scopeReasonKinds)[number];

/**
 * How many records were left out for one reason, in words that read for one record and for many:
 * "1 with a sampling rate outside the model's range", "2 with the patient's age outside …". The
 * reason's bare noun after a count ("2 patient age outside the model's range") read as a garbled
 * phrase wherever it was more than one.
 */
export const scopeReasonCounted: Record<ScopeReasonKind, (n: number) => string> = {
  channels: (n) => `${n} with non-ECG channels`,
  rate: (n) => `${n} with ${wordFor(n, 'a sampling rate', 'sampling rates')} outside the model's range`,
  leads: (n) => `${n} with missing leads`,
  duration: (n) => `${n} too short`,
  age: (n) => `${n} with the patient's age outside the model's range`,
  pacing: (n) => `${n} paced, or possibly paced (spikes, or a QRS as wide as a paced one where spikes cannot be seen)`,
};

/** A record's scope verdict with the kind of each reason (checkScope gives the reasons alone). */
export interface ScopeFindings {
  readonly reasons: readonly { readonly kind: ScopeReasonKind; readonly text: string }[];
  readonly notes: string[];
}

/**
 * Checks a record against a package's intended input: its channels, sampling rate, required
 * leads, duration, the patient's age when the file states it, and pacemaker spikes (core/signal's
 * detector). At rates below 250 Hz no spike can be seen: a record whose QRS is as wide as a
 * ventricular-paced one (unseen-pacing.ts) is out of scope as a paced one is (PTB-XL 00143 at
 * 100 Hz got "conduction disturbance 97.5 %" where its 500 Hz twin was refused for its spikes);
 * any other gets a note that pacing could not be judged. `readings`: the QRS detection and lead
 * quality a prediction's quality gate made (predictor.ts), read again where these are its leads.
 */
export function checkScope(input: ScopeInput, intended: IntendedInput, readings?: RecordReadings): ScopeVerdict {
  const { reasons, notes } = scopeFindings(input, intended, readings);
  return { reasons: reasons.map((r) => r.text), notes };
}

/**
 * Why a patient of `age` years is outside a package's age range ("patient aged 12 years; the model
 * is for 18 years and older"); null inside it, or with no age. Shared by the record check and the
 * PE panel, which also has the age a clinician entered with the score items.
 */
export function ageOutsideReason(age: number | undefined, range: IntendedInput['ageYears']): string | null {
  const { min, max } = range;
  if (age === undefined || !Number.isFinite(age) || !((min !== null && age < min) || (max !== null && age > max))) return null;
  return `patient aged ${age} years; the model is for ${min !== null && max !== null ? `${min}–${max} years` : min !== null ? `${min} years and older` : `up to ${max} years`}`;
}

/** checkScope, each reason with its kind. */
export function scopeFindings(input: ScopeInput, intended: IntendedInput, readings?: RecordReadings): ScopeFindings {
  const reasons: { kind: ScopeReasonKind; text: string }[] = [];
  const notes: string[] = [];
  const out = (kind: ScopeReasonKind, text: string) => reasons.push({ kind, text });
  const foreign = input.leads.map((l) => l.name).filter((name) => !ecgChannel.test(name.trim()));
  if (foreign.length > 0) out('channels', `the record holds non-ECG channels (${foreign.join(', ')}); the model reads surface ECG leads only`);
  if (input.fs < intended.fsHz.min || input.fs > intended.fsHz.max) out('rate', `sampled at ${input.fs} Hz; the model is for ${intended.fsHz.min}–${intended.fsHz.max} Hz`);
  const byName = new Map(input.leads.map((l) => [l.name.trim().toLowerCase(), l.samples]));
  // A record with no signal in any lead is the quality gate's ("flat"), not twelve missing leads.
  const anySignal = input.leads.some((l) => hasSignal(l.samples));
  const missing = intended.requiredLeads.filter((lead) => !hasSignal(byName.get(lead.toLowerCase())) && (anySignal || !byName.has(lead.toLowerCase())));
  if (missing.length > 0) out('leads', `missing ${wordFor(missing.length, 'lead')} ${missing.join(', ')}: the model needs ${intended.requiredLeads.length === 12 ? 'all 12 leads' : intended.requiredLeads.join(', ')}`);
  const short = durationFinding(recordSeconds(input), intended);
  if (short) reasons.push(short);
  const age = ageOutsideReason(input.patient?.ageYears, intended.ageYears);
  if (age) out('age', age);
  if (intended.pacing === 'excluded') {
    const present = input.leads.filter((l) => ecgChannel.test(l.name.trim()) && hasSignal(l.samples));
    const samples = present.map((l) => l.samples);
    // The beats spike detection would detect itself (detectQrs of these leads), where the gate
    // detected them already; below minPacingRateHz it looks for none.
    const beats = input.fs >= minPacingRateHz ? readings?.detectionOf(samples, input.fs)?.beats : undefined;
    const pacing = detectPacing(samples, input.fs, beats);
    if (pacing.paced) out('pacing', `pacing spikes detected (${pacing.reason}): the model was not trained on paced rhythms`);
    else if (!pacing.assessed) {
      const wide = pacedLookingWithoutSpikes(present, input.fs, pacing, readings);
      if (wide) out('pacing', `possibly paced (${wide}): the model was not trained on paced rhythms`);
      else notes.push(`${pacing.reason.replace(/^pacing could not be assessed/, 'Pacing could not be assessed')}; the model is not for paced rhythms`);
    }
  }
  return { reasons, notes };
}

/**
 * Why a record of `seconds` (recordSeconds) is too short for the intended input; undefined when
 * it is not. The one part of a verdict that a longer minimum changes, so a reading of the records
 * can be judged again against one without decoding them (evaluation-scope.ts withMinimumDuration).
 */
export function durationFinding(seconds: number, intended: Pick<IntendedInput, 'minSeconds' | 'minSecondsBasis'>): { kind: 'duration'; text: string } | undefined {
  if (!(seconds + 1e-9 < intended.minSeconds)) return undefined;
  return { kind: 'duration', text: `too short: ${seconds.toFixed(2)} s; the model needs at least ${intended.minSeconds.toFixed(2)} s${intended.minSecondsBasis ? ` (${basisText[intended.minSecondsBasis]})` : ''}` };
}

/**
 * Why the record looks ventricular paced though its spikes could not be looked for: its QRS, as
 * `ecg measure` measures it, is as wide as a paced one's. Only the QRS width is measured
 * (measuredQrsMs), not the whole analysis, which took nearly all of the judgement's time.
 */
function pacedLookingWithoutSpikes(leads: ScopeInput['leads'], fs: number, pacing: PacingResult, readings: RecordReadings | undefined): string | undefined {
  if (leads.length === 0 || !(fs > 0)) return undefined;
  return pacingUnseenWideQrs(pacing, measuredQrsMs(leads, fs, readings));
}
