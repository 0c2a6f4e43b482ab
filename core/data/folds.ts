import { createRng } from '../signal/rng';
import type { Split } from './types';

/** FNV-1a hash of a string, for seeded, order-independent assignments. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Deterministic stratified k folds (1..k): records are grouped by their label combination,
 * each group is shuffled with the seed and dealt round-robin, continuing where the last group
 * stopped, so every fold gets a share of every class.
 */
export function stratifiedFolds(ids: readonly string[], labelKeys: readonly string[], k: number, seed: number): Map<string, number> {
  const groups = new Map<string, string[]>();
  ids.forEach((id, i) => {
    const key = labelKeys[i] ?? '';
    const list = groups.get(key) ?? [];
    list.push(id);
    groups.set(key, list);
  });
  const rng = createRng(seed);
  const out = new Map<string, number>();
  let next = 0;
  for (const key of [...groups.keys()].sort()) {
    const members = [...(groups.get(key) as string[])].sort();
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [members[i], members[j]] = [members[j] as string, members[i] as string];
    }
    for (const id of members) {
      out.set(id, (next % k) + 1);
      next++;
    }
  }
  return out;
}

/** Folds 1..k−2 train, k−1 validation, k test (PTB-XL's convention applied to k folds). */
export function foldSplit(fold: number, k: number): Split {
  if (fold === k) return 'test';
  if (fold === k - 1) return 'val';
  return 'train';
}

/**
 * Patient-level split: every record of a patient lands in the same split, decided by a seeded
 * hash of the patient id, so adding records never moves an existing patient (the test split
 * stays locked).
 */
export function patientSplit(patientId: string, seed: number, fractions: { val: number; test: number }): Split {
  const u = hashString(patientId, seed) / 4294967296;
  if (u < fractions.test) return 'test';
  if (u < fractions.test + fractions.val) return 'val';
  return 'train';
}
