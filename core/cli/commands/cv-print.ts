import type { CvMetric } from '../../train/cv';
import type { CvJobResult } from '../../train/jobs/cv-job';
import { counted } from '../../contract/counted';
import { textColumn } from '../text-column';

/** A fine-tuning fold's overlap with its base model's training data: held-out records, and validation records. */
type OverlapNotes = { readonly inBaseTraining: number | null; readonly note: string; readonly validation?: { readonly inBaseTraining: number | null; readonly note: string } | undefined };

/**
 * Each fine-tuning fold's overlap with the base's training data, as its finetune output says it:
 * out-of-fold figures on records the base learned are optimistic. Not the held-out overlap of a
 * fold scored whole because the base saw every held-out record: its seenByBase warning says that.
 */
function overlapLines(folds: CvReport['folds']): string[] {
  return folds.flatMap((f) => {
    if (!f.overlap) return [];
    const warn = (n: number | null) => (n ? 'WARNING: ' : '');
    const val = f.overlap.validation;
    const heldOut = f.seenByBase && !f.seenByBase.leftOut ? [] : [`  fold ${f.fold}: ${warn(f.overlap.inBaseTraining)}held-out overlap: ${textColumn(f.overlap.note)}`];
    return [...heldOut, ...(val ? [`  fold ${f.fold}: ${warn(val.inBaseTraining)}validation overlap: ${textColumn(val.note)}`] : [])];
  });
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const shown: readonly CvMetric[] = ['aucMacro', 'f1Macro', 'mapMacro', 'gmean', 'accuracy', 'f1Macro@0.5', 'accuracy@0.5', 'gmeanPaper@0.5'];

/** What `ecg train --cv` (cvJob) and `ecg finetune --cv` (finetuneCvJob) both report. */
export type CvReport = Pick<CvJobResult, 'k' | 'source' | 'excluded' | 'dataset' | 'classes' | 'cancelled' | 'out' | 'perFold' | 'meanSd' | 'pooled'> & Partial<Pick<CvJobResult, 'copiesKept'>> & {
  readonly folds: readonly {
    readonly fold: number;
    readonly bestEpoch: number;
    readonly epochs: number;
    readonly overlap?: OverlapNotes;
    readonly outOfScope?: LeftOut;
    readonly validationOutOfScope?: LeftOut | undefined;
    readonly seenByBase?: { readonly count: number; readonly leftOut: boolean; readonly note: string } | undefined;
  }[];
  /** `ecg finetune --cv`: the held-out records its base saw, over every fold (finetune-cv-job.ts CvSeenByBase). */
  readonly seenByBase?: { readonly leftOut: number; readonly optimistic: boolean; readonly note: string } | null;
};

type LeftOut = { readonly count: number; readonly note: string };

/**
 * Each fold's notes on the records outside its model's intended input: on its validation fold, as
 * `ecg train` says it (its best epoch and thresholds were chosen on the rest), then on its test
 * fold, as `ecg evaluate` says it (the figures cover only the rest).
 */
function outOfScopeLines(folds: CvReport['folds']): string[] {
  const note = (fold: number, o: LeftOut | undefined) => (o && o.count > 0 ? [`  fold ${fold}: note: ${textColumn(o.note)}`] : []);
  return folds.flatMap((f) => [...note(f.fold, f.validationOutOfScope), ...note(f.fold, f.outOfScope)]);
}

/** The human-readable `ecg train --cv` / `ecg finetune --cv` report: per fold, mean ± SD over folds, pooled out of fold with CIs. */
export function cvLines(r: CvReport): string[] {
  const unit = r.pooled.unit === 'patient' ? 'patients' : 'records';
  const lines = [
    `${r.k}-fold cross-validation on ${textColumn(r.dataset)} (${textColumn(r.source)})${r.excluded ? `; ${r.excluded.count} records left out: ${textColumn(r.excluded.reason)}` : ''}${r.cancelled ? '; CANCELLED: only the folds below finished' : ''}.`,
    ...(r.copiesKept ? [`Copies: ${r.copiesKept}.`] : []),
    `Each fold: trained on ${counted(r.k - 2, 'fold')}, selected, calibrated and thresholds tuned on the next fold, tested on its own. Packages: ${textColumn(r.out)}/fold-NN.`,
    // A reader compares these with a package's locked-test figures: they are estimates of another kind.
    'Cross-validation figures (out of fold), not locked-test figures: each fold\'s model chose its epoch and thresholds on a neighbouring fold of the same data.',
    `fold  n     ${shown.map((m) => m.padEnd(16)).join('')}best epoch`,
  ];
  for (const f of r.perFold) {
    const outcome = r.folds.find((o) => o.fold === f.fold);
    lines.push(`${String(f.fold).padEnd(6)}${String(f.n).padEnd(6)}${shown.map((m) => f3(f.metrics[m]).padEnd(16)).join('')}${outcome ? `${outcome.bestEpoch}/${outcome.epochs}` : ''}`);
  }
  lines.push(`mean ± SD   ${shown.map((m) => `${f3(r.meanSd[m].mean)} ± ${f3(r.meanSd[m].sd)}`.padEnd(16)).join('')}`);
  const leftOut = r.folds.reduce((sum, f) => sum + (f.outOfScope?.count ?? 0), 0);
  const seen = r.seenByBase?.leftOut ?? 0;
  const within = `${leftOut > 0 ? `every record within its fold model's intended input once (${leftOut} outside it, in no figure)` : 'every record once'}${seen > 0 ? `, less ${seen} its base saw` : ''}`;
  lines.push(`pooled out-of-fold (${within}, by its fold's model; n = ${r.pooled.n}; bootstrap 95 % CIs, stratified resampling of ${unit}):`);
  for (const m of shown) {
    const ci = r.pooled.ci[m];
    lines.push(`  ${m.padEnd(15)} ${f3(r.pooled.metrics[m])}${ci && Number.isFinite(ci.low) ? ` [${f3(ci.low)}, ${f3(ci.high)}]` : ''}`);
  }
  const cov = r.pooled.report.averaging.aucMacro;
  lines.push(`  macro AUC and MAP over ${cov.over} of ${r.classes.length} classes${cov.leftOut.length > 0 ? ` (left out, undefined: ${cov.leftOut.map(textColumn).join(', ')})` : ''}; per class AUC: ${Object.entries(r.pooled.report.perClass).map(([c, k]) => `${textColumn(c)} ${f3(k.auc)}`).join(', ')}`);
  lines.push('  @0.5: the paper\'s rule (σ > 0.5 for every class); the other figures use each fold model\'s tuned thresholds.');
  if (r.seenByBase) lines.push(`  ${r.seenByBase.optimistic ? 'WARNING' : 'note'}: ${textColumn(r.seenByBase.note)}`);
  lines.push(...outOfScopeLines(r.folds));
  lines.push(...r.folds.flatMap((f) => (f.seenByBase ? [`  fold ${f.fold}: ${f.seenByBase.leftOut ? 'note' : 'WARNING'}: ${textColumn(f.seenByBase.note)}`] : [])));
  lines.push(...overlapLines(r.folds));
  return lines;
}
