import { normalisations } from '../../signal/normalise';

/** One searched hyper-parameter: a float (uniform or log-uniform) or a categorical choice. */
export type ParamSpec =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly kind: 'categorical'; readonly choices: readonly (string | number | boolean)[] };

export type SearchSpace = Readonly<Record<string, ParamSpec>>;
export type Params = Record<string, string | number | boolean>;

/**
 * The paper's Optuna space (paper-spec §7): learning rate log-U[1e-6, 1e-2] and the per-lead
 * normalisation for every model; for the CRNNs also the recurrent layers, width, dropout and
 * direction. Architecture, heads and transformer size are not searched (as in the paper).
 */
export function paperSearchSpace(architecture: string): SearchSpace {
  const space: Record<string, ParamSpec> = {
    learningRate: { kind: 'float', low: 1e-6, high: 1e-2, log: true },
    normalisation: { kind: 'categorical', choices: [...normalisations] },
  };
  if (architecture.startsWith('crnn')) {
    space.rnnLayers = { kind: 'categorical', choices: [1, 2, 4] };
    space.rnnHidden = { kind: 'categorical', choices: [128, 256, 512] };
    space.rnnDropout = { kind: 'categorical', choices: [0, 0.1, 0.3] };
    space.bidirectional = { kind: 'categorical', choices: [true, false] };
  }
  return space;
}
