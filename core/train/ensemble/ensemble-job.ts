import path from 'node:path';
import type { DatasetSpec } from '../../data/load';
import { EinthovenError } from '../../errors';
import type { BackendName } from '../../ml/backend/init';
import { compareModels, type ModelComparison } from '../../ml/metrics/comparison';
import type { Interval, MetricsReport } from '../../ml/metrics/index';
import { jsonSafe, patientIdsOf, scoreWithCi } from '../finalize';
import { classMapping, splitItems } from '../jobs/evaluate-job';
import { datasetSha256, indexDataset, splitCounts } from '../jobs/prepare';
import { scoreItems, type ScoredItems } from '../jobs/score-items';
import { loadPackage } from '../package/archive';
import type { LoadedPackage } from '../package/io';
import type { ModelManifest } from '../package/manifest';
import type { JobContext } from '../progress';
import { ensureBackend } from '../setup';
import { operatingThresholds, type ThresholdMethod } from '../thresholds';
import { saveEnsemblePackage } from './package';
import { requireNewOutput } from '../../storage/new-output';

export interface EnsembleJobOptions {
  /** Member packages (folders or single files), at least two, predicting the same classes. */
  readonly members: readonly string[];
  /** The dataset whose validation split fits the ensemble's operating point. */
  readonly dataset: DatasetSpec;
  readonly out: string;
  readonly thresholds?: ThresholdMethod | 'fixed';
  readonly name?: string;
  readonly description?: string;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly cacheDir?: string;
}

/** A member's figures on the same validation records, at its own operating point. */
export interface MemberFigures {
  readonly name: string;
  readonly id: string;
  readonly metrics: MetricsReport;
  readonly ci: Record<string, Interval>;
}

export interface EnsembleJobResult {
  readonly out: string;
  readonly manifest: ModelManifest;
  readonly n: number;
  readonly validation: MetricsReport;
  readonly validationCi: Record<string, Interval>;
  readonly members: MemberFigures[];
  /** The member with the best validation macro AUC on these records. */
  readonly bestMember: string;
  /** Ensemble (A) against its best member (B) on the same validation records, paired. */
  readonly versusBest: ModelComparison;
  /** Every figure above is on the validation records the ensemble's thresholds were tuned on: said with them, so none is quoted as a result. */
  readonly notLockedTest: string;
}

export const ensembleValidationNote =
  'not locked-test figures: the ensemble\'s thresholds were tuned on these same validation records (and each member\'s epoch, temperature and thresholds on validation), so these figures, their CIs and p-values are optimistic; evaluate the package on the locked test split (ecg evaluate --split test)';

/** Members predicting the same classes in the same order (anything else would average unlike outputs). */
function checkMembers(members: readonly LoadedPackage[]): void {
  if (members.length < 2) throw new EinthovenError('E_VALIDATION', 'an ensemble needs at least two member packages');
  const classes = (members[0] as LoadedPackage).manifest.classes.join(', ');
  for (const m of members) {
    if (m.manifest.classes.join(', ') !== classes) throw new EinthovenError('E_VALIDATION', `${m.manifest.name} predicts ${m.manifest.classes.join(', ')}; the first member predicts ${classes}: members must predict the same classes in the same order`);
  }
  const ids = members.map((m) => m.manifest.id);
  if (new Set(ids).size !== ids.length) throw new EinthovenError('E_VALIDATION', 'the same model is listed twice');
}

/**
 * Builds an ensemble package: the mean of N members' calibrated probabilities (members may differ
 * in architecture and input rate, each reading records with its own pipeline and inference), its
 * own per-class thresholds fitted on the validation split, provenance naming every member. The
 * test split is never read. Reports the members on the same validation records and the paired
 * comparison of the ensemble with its best member.
 */
export async function ensembleJob(options: EnsembleJobOptions, context: JobContext = {}): Promise<EnsembleJobResult> {
  requireNewOutput(options.out, 'an ensemble package');
  const backend = await ensureBackend(options.backend);
  const members: LoadedPackage[] = [];
  try {
    for (const location of options.members) members.push(await loadPackage(location));
    checkMembers(members);
    const first = members[0] as LoadedPackage;
    const classes = [...first.manifest.classes];
    const dataset = await indexDataset(options.dataset, first.manifest.preprocessing, false);
    const columns = classMapping(classes, dataset);
    const items = splitItems(dataset, 'val');
    const scored: ScoredItems[] = [];
    for (const m of members) scored.push(await scoreItems(m, items, options.cacheDir ? { cacheDir: options.cacheDir } : {}, context));
    const byId = scored.map((s) => new Map(s.kept.map((item, k) => [item.id, s.probs[k] as number[]])));
    const kept = (scored[0] as ScoredItems).kept.filter((item) => byId.every((m) => m.has(item.id)));
    if (kept.length === 0) throw new EinthovenError('E_VALIDATION', `no validation record of ${dataset.name} could be read by every member`);
    const labels = kept.map((item) => columns.map((c) => item.labels[c] as number));
    const memberProbs = byId.map((m) => kept.map((item) => m.get(item.id) as number[]));
    const probs = kept.map((_, r) => classes.map((_c, j) => memberProbs.reduce((s, p) => s + ((p[r] as number[])[j] as number), 0) / members.length));
    const method = options.thresholds ?? 'f1';
    const thresholds = method === 'fixed' ? classes.map(() => 0.5) : operatingThresholds(labels, probs, method);
    const seed = options.seed ?? 20;
    const patients = patientIdsOf(kept, kept.map((i) => i.id));
    context.onProgress?.({ kind: 'phase', phase: 'evaluating', message: `${kept.length} validation records; ensemble and each member` });
    const { metrics, ci } = scoreWithCi(labels, probs, classes, thresholds, seed, patients);
    const figures: MemberFigures[] = members.map((m, k) => ({ name: m.manifest.name, id: m.manifest.id, ...scoreWithCi(labels, memberProbs[k] as number[][], classes, m.manifest.operatingPoint.thresholds, seed, patients) }));
    const best = figures.reduce((a, b, k) => (b.metrics.aucMacro > (figures[a] as MemberFigures).metrics.aucMacro ? k : a), 0);
    const versusBest = compareModels(labels, probs, memberProbs[best] as number[][], { classes, thresholdsA: thresholds, thresholdsB: (members[best] as LoadedPackage).manifest.operatingPoint.thresholds, seed, ...(patients ? { groups: patients } : {}) });
    const described = members.map((m) => `${m.manifest.name} (${m.manifest.architecture.name}, trained on ${m.manifest.provenance.dataset.name})`);
    const name = options.name ?? path.basename(path.resolve(options.out));
    const manifest = await saveEnsemblePackage(
      options.out,
      members.map((loaded, k) => ({ location: options.members[k] as string, loaded })),
      jsonSafe({
        name,
        description: options.description ?? `Ensemble: the mean of the calibrated probabilities of ${described.join(' and ')}; thresholds fitted on ${dataset.name} validation.`,
        demonstration: members.some((m) => m.manifest.demonstration),
        hyperParameters: { aggregation: 'mean-calibrated-probability', thresholds: method, members: members.map((m) => m.manifest.id) },
        operatingPoint: { method, thresholds, temperature: 1 },
        provenance: {
          dataset: { name: dataset.name, sha256: datasetSha256(dataset), records: splitCounts(dataset), split: `${dataset.name}: operating point fitted on the validation split; the test split never read. Members: ${described.join('; ')}` },
          epochs: { run: 0, best: 0, planned: 0 },
          seed,
          backend: backend.active,
          secondsPerEpoch: 0,
          selection: 'no training of its own: members as packaged; per-class thresholds tuned on validation',
          validation: { n: kept.length, metrics: metrics as unknown as Record<string, unknown>, ci },
          history: [],
        },
      }),
    );
    return { out: options.out, manifest, n: kept.length, validation: metrics, validationCi: ci, members: figures, bestMember: (figures[best] as MemberFigures).name, versusBest, notLockedTest: ensembleValidationNote };
  } finally {
    members.forEach((m) => m.model.dispose());
  }
}
