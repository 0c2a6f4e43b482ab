/** Progress events of a training job, sent through the engine contract and printed by the CLI. */
export type TrainProgress =
  | { readonly kind: 'phase'; readonly phase: 'loading' | 'features' | 'training' | 'calibrating' | 'evaluating' | 'done'; readonly message: string }
  | {
      readonly kind: 'step';
      readonly epoch: number;
      readonly epochs: number;
      readonly step: number;
      readonly steps: number;
      readonly loss: number;
      readonly samplesPerSecond: number;
      readonly etaSeconds: number;
    }
  | {
      readonly kind: 'epoch';
      readonly epoch: number;
      readonly epochs: number;
      readonly trainLoss: number;
      readonly valLoss: number;
      readonly val: { readonly f1Macro: number; readonly aucMacro: number; readonly mapMacro: number };
      readonly improved: boolean;
      readonly seconds: number;
      readonly samplesPerSecond: number;
      readonly etaSeconds: number;
    };

/** What every long-running engine function takes besides its options. */
export interface JobContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: TrainProgress) => void;
}
