import { EinthovenError } from '../errors';
import { augment } from './augment';
import { augmentationAtRate } from './augment-rate';
import { butter } from './butter';
import { normalise } from './normalise';
import { pipelineConfigSchema, type PipelineConfig, type Stage } from './pipeline-config';
import { planResample, rateRatio, resampleLeads } from './resample';
import type { Rng } from './rng';
import type { Sos } from './sos';
import { iirnotch, sosfilt, sosfiltfilt } from './sosfilt';

/**
 * A multi-lead signal as the pipeline sees it: one Float32Array per lead (leads × samples,
 * in the config's lead order, canonical I..V6 by default), all the same length, at `fs` Hz.
 */
export interface LeadSignal {
  readonly signal: readonly Float32Array[];
  readonly fs: number;
}

export interface RunOptions {
  /** 'train': random crop + augmentation (needs `rng`); 'eval': centre crop, no augmentation. */
  readonly mode: 'train' | 'eval';
  readonly rng?: Rng;
}

type StageFn = (input: LeadSignal, options: RunOptions) => LeadSignal;

const mapLeads = (input: LeadSignal, f: (lead: Float32Array) => ArrayLike<number>, fs = input.fs): LeadSignal => ({
  signal: input.signal.map((lead) => Float32Array.from(f(lead))),
  fs,
});

function padTruncate(length: number, longer: 'truncate' | 'keep'): StageFn {
  return (input) =>
    mapLeads(input, (lead) => {
      if (lead.length >= length && longer === 'keep') return lead;
      const out = new Float32Array(length);
      out.set(lead.length > length ? lead.subarray(0, length) : lead);
      return out;
    });
}

/** Caches designs per sampling rate: a pipeline usually sees a single rate. */
function designCache(design: (fs: number) => Sos): (fs: number) => Sos {
  const cache = new Map<number, Sos>();
  return (fs) => {
    let sos = cache.get(fs);
    if (!sos) cache.set(fs, (sos = design(fs)));
    return sos;
  };
}

function filterStage(stage: Extract<Stage, { kind: 'filter' }>): StageFn {
  const sosFor = designCache((fs) => butter(stage.order, stage.cutoffHz, stage.band, stage.paperExact ? 100 : fs));
  const zeroPhase = stage.zeroPhase && !stage.paperExact;
  return (input) => {
    const sos = sosFor(input.fs);
    return mapLeads(input, (lead) => (zeroPhase ? sosfiltfilt(sos, lead) : sosfilt(sos, lead).y));
  };
}

function notchStage(stage: Extract<Stage, { kind: 'notch' }>): StageFn {
  const sosFor = designCache((fs) => iirnotch(stage.freqHz, stage.quality, fs));
  return (input) => mapLeads(input, (lead) => sosfiltfilt(sosFor(input.fs), lead));
}

function resampleStage(targetHz: number): StageFn {
  return (input) => {
    if (input.fs === targetHz) return input;
    const { up, down } = rateRatio(input.fs, targetHz);
    const plan = planResample(input.signal[0]?.length ?? 0, up, down);
    return { fs: targetHz, signal: resampleLeads(input.signal, up, down, plan).map((lead) => Float32Array.from(lead)) };
  };
}

/** Crop start: uniform over [0, n − length] in training (Eq. 1), centre in evaluation. */
function cropStart(n: number, length: number, options: RunOptions): number {
  if (n <= length) return 0;
  if (options.mode === 'eval') return Math.floor((n - length) / 2);
  if (!options.rng) throw new EinthovenError('E_VALIDATION', 'training mode needs a seeded rng');
  return options.rng.int(0, n - length);
}

/** Copies [start, start + length) of every lead, zero-filling past the end. */
export function cropAt(input: LeadSignal, start: number, length: number): LeadSignal {
  return mapLeads(input, (lead) => {
    const out = new Float32Array(length);
    out.set(lead.subarray(start, Math.min(lead.length, start + length)));
    return out;
  });
}

function standardiseStage(stage: Extract<Stage, { kind: 'standardise' }>): StageFn {
  return (input) => {
    const { mean, std } = stage;
    if (!mean || !std) throw new EinthovenError('E_VALIDATION', 'the standardise stage has not been fitted on training data');
    if (mean.length !== input.signal.length || std.length !== input.signal.length) {
      throw new EinthovenError('E_VALIDATION', `standardisation was fitted on ${mean.length} leads, signal has ${input.signal.length}`);
    }
    return { fs: input.fs, signal: input.signal.map((lead, l) => lead.map((v) => (v - (mean[l] as number)) / ((std[l] as number) + 1e-8))) };
  };
}

function compileStage(stage: Stage): StageFn {
  switch (stage.kind) {
    case 'padTruncate':
      return padTruncate(stage.length, stage.longer);
    case 'filter':
      return filterStage(stage);
    case 'notch':
      return notchStage(stage);
    case 'resample':
      return resampleStage(stage.targetHz);
    case 'crop':
      return (input, options) => cropAt(input, cropStart(input.signal[0]?.length ?? 0, stage.length, options), stage.length);
    case 'normalise':
      return (input) => mapLeads(input, (lead) => normalise(lead, stage.method));
    case 'standardise':
      return standardiseStage(stage);
  }
}

/** Checks shape and rate, and replaces non-finite samples (missing data) by 0 so nothing downstream sees NaN. */
export function validateInput(input: LeadSignal, leadCount: number): LeadSignal {
  if (!(input.fs > 0) || !Number.isFinite(input.fs)) throw new EinthovenError('E_VALIDATION', `sampling rate must be positive, got ${input.fs}`);
  if (input.signal.length !== leadCount) throw new EinthovenError('E_VALIDATION', `expected ${leadCount} leads, got ${input.signal.length}`);
  const n = input.signal[0]?.length ?? 0;
  if (n === 0 || input.signal.some((l) => l.length !== n)) throw new EinthovenError('E_VALIDATION', 'every lead must have the same, non-zero length');
  return mapLeads(input, (lead) => lead.map((v) => (Number.isFinite(v) ? v : 0)));
}

/** How a record becomes evaluation inputs: the centre crop or windows (`stride` apart). */
export interface EvalInputOptions {
  readonly mode: 'centre' | 'windows';
  readonly stride: number;
}

/**
 * Whether evaluation reads a record by windows: always in windows mode; in centre mode when the
 * pipeline keeps long records whole and this one (after the stages before the crop) is longer
 * than the padded length: a centre crop would then see only the middle of it.
 */
export function evaluatesByWindows(config: PipelineConfig, lengthBeforeCrop: number, mode: 'centre' | 'windows'): boolean {
  if (mode === 'windows') return true;
  const pad = config.stages.find((s) => s.kind === 'padTruncate');
  return pad?.kind === 'padTruncate' && pad.longer === 'keep' && lengthBeforeCrop > pad.length;
}

export interface Pipeline {
  readonly config: PipelineConfig;
  /** Runs every stage, then (training only) the augmentation. Input is not modified. */
  run(input: LeadSignal, options: RunOptions): LeadSignal;
  /** Whole-record evaluation: stages up to the crop, then every window of the crop length (`stride` apart, the last one flush with the end), then the remaining stages. */
  windows(input: LeadSignal, stride: number): LeadSignal[];
  /** Evaluation inputs of a record: its centre crop, or windows across its whole length (see `evaluatesByWindows`). */
  evalInputs(input: LeadSignal, options: EvalInputOptions): LeadSignal[];
}

/** Builds a pipeline from a (possibly untrusted, e.g. read from a model package) config; E_VALIDATION if malformed. */
export function buildPipeline(configInput: unknown): Pipeline {
  const parsed = pipelineConfigSchema.safeParse(configInput);
  if (!parsed.success) throw new EinthovenError('E_VALIDATION', `invalid pipeline config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  const stages = config.stages.map(compileStage);
  const leadCount = config.leads.length;
  const runStages = (input: LeadSignal, from: number, to: number, options: RunOptions) =>
    stages.slice(from, to).reduce((signal, stage) => stage(signal, options), input);
  const evalInputs = (input: LeadSignal, options: EvalInputOptions): LeadSignal[] => {
    const { mode, stride } = options;
    if (!Number.isInteger(stride) || stride < 1) throw new EinthovenError('E_VALIDATION', `window stride must be a positive integer, got ${stride}`);
    const cropIndex = config.stages.findIndex((s) => s.kind === 'crop');
    const evalMode: RunOptions = { mode: 'eval' };
    const before = runStages(validateInput(input, leadCount), 0, cropIndex < 0 ? stages.length : cropIndex, evalMode);
    const crop = config.stages[cropIndex];
    if (!crop || crop.kind !== 'crop') return [before];
    const n = before.signal[0]?.length ?? 0;
    const starts = evaluatesByWindows(config, n, mode) ? windowStarts(n, crop.length, stride) : [cropStart(n, crop.length, evalMode)];
    return starts.map((start) => runStages(cropAt(before, start, crop.length), cropIndex + 1, stages.length, evalMode));
  };
  return {
    config,
    run(input, options) {
      const out = runStages(validateInput(input, leadCount), 0, stages.length, options);
      if (options.mode !== 'train' || !config.augmentation) return out;
      if (!options.rng) throw new EinthovenError('E_VALIDATION', 'training mode needs a seeded rng');
      return { fs: out.fs, signal: augment(out.signal, augmentationAtRate(config.augmentation, out.fs), options.rng).leads };
    },
    windows: (input, stride) => evalInputs(input, { mode: 'windows', stride }),
    evalInputs,
  };
}

/** 0, stride, 2·stride, … plus a last window ending exactly at n (one window at 0 when n ≤ length). */
export function windowStarts(n: number, length: number, stride: number): number[] {
  if (n <= length) return [0];
  const starts: number[] = [];
  for (let s = 0; s + length <= n; s += stride) starts.push(s);
  if (starts[starts.length - 1] !== n - length) starts.push(n - length);
  return starts;
}
