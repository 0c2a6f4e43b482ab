import { existsSync } from 'node:fs';
import { OperatingPointResultSchema, type OperatingPointResult } from '../../contract/training-schemas';
import type { DatasetSpec } from '../../data/load';
import { leftOutSummary } from '../../data/types';
import { outOfScopeSummary } from '../evaluation-scope';
import { jsonSafe } from '../finalize';
import type { OperatingPointJobResult } from '../jobs/operating-point-job';
import { resealPackageFolder } from '../package/io';
import { signingKeyOfThisAccount } from '../package/keys';
import { operatingPointByClass } from '../package/manifest';

/**
 * A site operating point in the contract's shape: what the app's job reports, and what the audit keeps
 * (training-audit.ts: the new model registered, its locked-test figures recorded as its site
 * evaluation unless the base model saw some of those records), whether the app's engine or `ecg operating-point` ran it.
 */
export function operatingPointResult(r: OperatingPointJobResult, dataset: DatasetSpec): OperatingPointResult {
  const evaluated = (f: { n: number; metrics: object; ci: object }) => ({ n: f.n, metrics: f.metrics, ci: f.ci });
  return OperatingPointResultSchema.parse(
    jsonSafe({
      kind: 'operating-point',
      modelId: r.manifest.id,
      name: r.manifest.name,
      base: { id: r.base.id, name: r.base.name, operatingPoint: operatingPointByClass(r.base.operatingPoint, r.classes) },
      goal: r.goal,
      operatingPoint: operatingPointByClass(r.operatingPoint, r.classes),
      evaluatedOn: { name: r.dataset, root: dataset.root, labels: dataset.labels ?? null },
      validation: { n: r.validation.n, metrics: r.validation.metrics, note: r.validation.note },
      test: { ...evaluated(r.test), calibration: r.test.calibration },
      baseTest: evaluated(r.baseTest),
      perClass: r.perClass,
      override: r.override,
      unreadable: leftOutSummary(r.testFailed.map(({ id, message }) => ({ id, reason: message }))),
      outOfScope: { validation: outOfScopeSummary(r.outOfScope.validation), test: outOfScopeSummary(r.outOfScope.test) },
      trainingOverlap: r.trainingOverlap,
      notLockedTest: r.notLockedTest,
    }),
  );
}

/**
 * Signs a package this workstation just made into its data folder when the hospital created a signing key
 * (ecg package keygen): the app then shows who produced it. Signing leaves the seal and id as they are.
 */
export async function signIfKeyed(dataDir: string, out: string): Promise<void> {
  // An account that may not read the key (a shared folder, the key its creator's) leaves the package unsigned, as the app shows it.
  const { signer } = signingKeyOfThisAccount(dataDir);
  if (signer && existsSync(out)) await resealPackageFolder(out, signer);
}
