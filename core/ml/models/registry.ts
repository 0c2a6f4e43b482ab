import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { buildAlexNet } from './alexnet';
import { buildAttResNet, buildResTransformer, buildTransformer } from './attention-models';
import { buildCrnn } from './crnn';
import { buildResNet18 } from './resnet';
import { buildVgg11Bn } from './vgg';
import { buildXResNet, xresnetDepths } from './xresnet';

type Sym = tf.SymbolicTensor;

export const architectureNames = [
  'resnet18',
  'crnn-gru',
  'crnn-lstm',
  'alexnet',
  'vgg11bn',
  'attresnet',
  'transformer',
  'restransformer',
  'xresnet1d50',
  'xresnet1d101',
] as const;
export type ArchitectureName = (typeof architectureNames)[number];

/** What builds a model; stored in a package manifest so the exact network can be rebuilt. */
export const buildOptionsSchema = z.object({
  numClasses: z.number().int().min(1).max(1000),
  /** Samples per lead; defaults to the architecture's own input length. */
  inputLength: z.number().int().min(16).max(100_000).optional(),
  /** Reproduce the paper code's quirks (VGG 49-feature pool, AttResNet 8 heads, CRNN last step). */
  paperExact: z.boolean().optional(),
  /** CRNN only: the recurrent part, as the paper's search space (paper-spec §7); default 2 × 256, dropout 0.1, one direction. */
  rnn: z
    .object({
      layers: z.number().int().min(1).max(8),
      hidden: z.number().int().min(8).max(2048),
      dropout: z.number().min(0).max(0.9),
      bidirectional: z.boolean(),
    })
    .partial()
    .optional(),
});
export type BuildOptions = z.infer<typeof buildOptionsSchema>;

export interface ArchitectureInfo {
  name: ArchitectureName;
  summary: string;
  /** Sampling rate the architecture is designed for. */
  fs: number;
  /** Default input length in samples (the paper's 2048 at 500 Hz; xresnet: 2.5 s at 100 Hz). */
  inputLength: number;
  /** Shortest input the architecture's strides and poolings accept. */
  minInputLength: number;
  /** Longest input, where positional encodings bound it (Transformer 5000 positions, ResTransformer 2048 tokens). */
  maxInputLength?: number;
  leads: number;
}

interface Architecture extends ArchitectureInfo {
  build(input: Sym, numClasses: number, paperExact: boolean, options: BuildOptions): Sym;
}

const paper = { fs: 500, inputLength: 2048, leads: 12 } as const;
const strodthoff = { fs: 100, inputLength: 250, leads: 12 } as const;

const architectures: readonly Architecture[] = [
  { name: 'resnet18', summary: 'ResNet18-1D (torchvision port)', ...paper, minInputLength: 64, build: (x, c) => buildResNet18(x, c) },
  {
    name: 'crnn-gru',
    summary: 'ResNet18 trunk + 2×GRU(256)',
    ...paper,
    minInputLength: 64,
    build: (x, c, exact, o) => buildCrnn(x, c, { cell: 'gru', hidden: 256, layers: 2, dropout: 0.1, bidirectional: false, ...o.rnn, lastStepOnly: exact }),
  },
  {
    name: 'crnn-lstm',
    summary: 'ResNet18 trunk + 2×LSTM(256)',
    ...paper,
    minInputLength: 64,
    build: (x, c, exact, o) => buildCrnn(x, c, { cell: 'lstm', hidden: 256, layers: 2, dropout: 0.1, bidirectional: false, ...o.rnn, lastStepOnly: exact }),
  },
  { name: 'alexnet', summary: 'AlexNet1D', ...paper, minInputLength: 256, build: (x, c) => buildAlexNet(x, c, { dropout: 0.5 }) },
  {
    name: 'vgg11bn',
    summary: 'VGG11 with batch norm, 1-D',
    ...paper,
    minInputLength: 224,
    build: (x, c, exact) => buildVgg11Bn(x, c, { dropout: 0.5, paperExact: exact }),
  },
  {
    name: 'attresnet',
    summary: 'ResNet18 trunk + multi-head self-attention',
    ...paper,
    minInputLength: 64,
    build: (x, c, exact) => buildAttResNet(x, c, { heads: exact ? 8 : 4 }),
  },
  {
    name: 'transformer',
    summary: 'Conv embedding + 4-layer post-LN transformer encoder (d 512, 4 heads)',
    ...paper,
    minInputLength: 16,
    maxInputLength: 5000,
    build: (x, c) => buildTransformer(x, c, { width: 512, layers: 4, heads: 4, dropout: 0.1 }),
  },
  {
    name: 'restransformer',
    summary: 'ResNet18 trunk + 2-layer transformer encoder',
    ...paper,
    minInputLength: 64,
    maxInputLength: 2048 * 32,
    build: (x, c) => buildResTransformer(x, c, { layers: 2, heads: 4, dropout: 0.1 }),
  },
  {
    name: 'xresnet1d50',
    summary: 'xresnet1d50 with concat-pool head (Strodthoff et al.)',
    ...strodthoff,
    minInputLength: 64,
    build: (x, c) => buildXResNet(x, c, xresnetDepths.xresnet1d50),
  },
  {
    name: 'xresnet1d101',
    summary: 'xresnet1d101 with concat-pool head (Strodthoff et al.)',
    ...strodthoff,
    minInputLength: 64,
    build: (x, c) => buildXResNet(x, c, xresnetDepths.xresnet1d101),
  },
];

/** Every architecture the engine can build, with its design input. */
export function listArchitectures(): ArchitectureInfo[] {
  return architectures.map(({ build: _build, ...info }) => info);
}

function findArchitecture(name: string): Architecture {
  const found = architectures.find((a) => a.name === name);
  if (!found) {
    throw new EinthovenError('E_VALIDATION', `unknown architecture '${name}' (known: ${architectureNames.join(', ')})`);
  }
  return found;
}

/** The design input of one architecture; E_VALIDATION for an unknown name. */
export function architectureInfo(name: string): ArchitectureInfo {
  const { build: _build, ...info } = findArchitecture(name);
  return info;
}

/**
 * Builds an untrained model: input [batch, length, 12] (channels-last), output raw logits
 * [batch, numClasses] (apply a sigmoid for probabilities). Initialised as the paper code.
 */
export function buildModel(name: string, options: BuildOptions): tf.LayersModel {
  const arch = findArchitecture(name);
  const parsed = buildOptionsSchema.safeParse(options);
  if (!parsed.success) throw new EinthovenError('E_VALIDATION', `model options: ${parsed.error.message}`);
  const length = parsed.data.inputLength ?? arch.inputLength;
  if (length < arch.minInputLength) {
    throw new EinthovenError('E_VALIDATION', `${name} needs at least ${arch.minInputLength} samples per lead, got ${length}`);
  }
  if (arch.maxInputLength !== undefined && length > arch.maxInputLength) {
    throw new EinthovenError('E_VALIDATION', `${name} takes at most ${arch.maxInputLength} samples per lead (its positional encoding), got ${length}`);
  }
  const input = tf.input({ shape: [length, arch.leads], name: 'ecg' });
  const output = arch.build(input, parsed.data.numClasses, parsed.data.paperExact ?? false, parsed.data);
  const model = tf.model({ inputs: input, outputs: output, name });
  builds.set(model, buildKey(name, parsed.data));
  return model;
}

/** What each model built by buildModel was built as; a model made otherwise (from JSON, by hand) is absent. */
const builds = new WeakMap<tf.LayersModel, string>();

function buildKey(name: string, options: BuildOptions): string {
  return JSON.stringify([name, options]);
}

/**
 * Whether buildModel built `model` as this architecture with these options: then its layers were
 * created in the builder's order (tfjs numbers layers as it creates them) and have exactly the
 * shapes these options give, so a reader of that order needs no second model built to learn it.
 */
export function isBuiltAs(model: tf.LayersModel, name: string, options: BuildOptions): boolean {
  const parsed = buildOptionsSchema.safeParse(options);
  return parsed.success && builds.get(model) === buildKey(name, parsed.data);
}

/** Trainable parameters (BN moving statistics excluded, as torch's requires_grad count). */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
