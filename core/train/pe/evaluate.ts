import type { DatasetItem } from '../../data/types';
import type { ModelManifest } from '../package/manifest';
import { comparePe, type ComparedRecord, type PeComparison } from './comparison';
import { applyFusion, type FusionBlock } from './fusion';

/**
 * The PE comparison of an evaluation, when it applies: a one-output model on records that carry
 * clinical score values. For a fusion package the ECG curve is its base network (the same
 * weights) and the fusion model is a curve of its own, on the records with every item it needs.
 */
export function peComparisonOf(
  manifest: ModelManifest,
  items: readonly DatasetItem[],
  probs: readonly (readonly number[])[],
  labels: readonly (readonly number[])[],
  thresholds: readonly number[],
  split: string,
  seed: number,
): PeComparison | undefined {
  if (manifest.classes.length !== 1 || !items.some((i) => i.peScores)) return undefined;
  const fusion = manifest.fusion;
  const records: ComparedRecord[] = items.map((item, k) => {
    const probability = (probs[k] as readonly number[])[0] as number;
    const outcome = fusion && item.peScores ? applyFusion(fusion, probability, item.peScores.items) : undefined;
    return {
      label: (labels[k] as readonly number[])[0] === 1 ? 1 : 0,
      probability,
      ...(item.peScores ? { scores: item.peScores } : {}),
      ...(outcome?.ok ? { fused: outcome.fused } : {}),
      ...(item.patientId === undefined ? {} : { patient: item.patientId }),
    };
  });
  const modelName = fusion ? `${fusion.baseModel.name} (ECG only)` : manifest.name;
  return comparePe(records, { split, modelName, threshold: thresholds[0] as number, seed, ...(fusion ? { fusionName: manifest.name, fusionThreshold: fusion.fused.threshold } : {}) });
}

/** The records a fusion package could score: their positions among the evaluated records and fused probabilities, and why the others could not be. */
export interface FusedRecords {
  readonly indices: number[];
  readonly probs: number[][];
  readonly unscored: { readonly count: number; readonly firstReason: string | null };
}

/**
 * A fusion package's own outputs on evaluated records: the fused probability, from the ECG
 * network's calibrated probability and each record's score items, on the records that have every
 * item it needs (applyFusion, as the app's PE panel computes it).
 */
export function fusedRecordsOf(block: FusionBlock, items: readonly DatasetItem[], probs: readonly (readonly number[])[]): FusedRecords {
  const indices: number[] = [];
  const fused: number[][] = [];
  let count = 0;
  let firstReason: string | null = null;
  items.forEach((item, k) => {
    const outcome = item.peScores ? applyFusion(block, (probs[k] as readonly number[])[0] as number, item.peScores.items) : { ok: false as const, reason: 'no score items in the labels CSV' };
    if (outcome.ok) {
      indices.push(k);
      fused.push([outcome.fused]);
    } else {
      count++;
      firstReason ??= `${item.id}: ${outcome.reason}`;
    }
  });
  return { indices, probs: fused, unscored: { count, firstReason } };
}
