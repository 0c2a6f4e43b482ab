/** A trial as the pruner sees it: its per-epoch validation values and whether it completed. */
export interface PrunerTrial {
  readonly state: 'complete' | 'pruned' | 'failed' | 'running';
  /** Intermediate value per epoch (index 0 = epoch 1). */
  readonly intermediate: readonly number[];
}

export const medianPrunerDefaults = { startupTrials: 5, warmupSteps: 0 } as const;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Optuna's MedianPruner (maximising): after `startupTrials` completed trials and past the
 * warm-up, stop a trial at epoch `step` (1-based) when its best value so far is below the
 * median of the completed trials' values at that same epoch.
 */
export function shouldPrune(current: readonly number[], others: readonly PrunerTrial[], options: { startupTrials?: number; warmupSteps?: number } = {}): boolean {
  const startup = options.startupTrials ?? medianPrunerDefaults.startupTrials;
  const warmup = options.warmupSteps ?? medianPrunerDefaults.warmupSteps;
  const step = current.length;
  if (step === 0 || step <= warmup) return false;
  const completed = others.filter((t) => t.state === 'complete');
  if (completed.length < startup) return false;
  const atStep = completed.map((t) => t.intermediate[step - 1]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (atStep.length === 0) return false;
  const best = Math.max(...current.filter(Number.isFinite));
  return !(best >= median(atStep));
}
