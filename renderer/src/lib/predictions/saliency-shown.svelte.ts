import type { SaliencyResult } from '../../../../core/contract/training-schemas';

/**
 * The saliency map on screen, with the prediction it explains: the panel that computed it sits
 * beside the tracing (not printed), so the printed summary reads it from here and prints it
 * when, and only when, it is shown for the prediction being printed.
 */
export const saliencyShown = $state<{ predictionId: number | null; result: SaliencyResult | null }>({ predictionId: null, result: null });

export function showSaliency(predictionId: number, result: SaliencyResult | null): void {
  saliencyShown.predictionId = result ? predictionId : null;
  saliencyShown.result = result;
}
