import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { augmentChoices } from '../augmentation';
import { writeFileAtomic } from '../../storage/atomic';

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const trialSchema = z.object({
  number: z.number().int().nonnegative(),
  params: z.record(z.string(), paramValue),
  /** Training-time augmentation of the trial (fixed per study, recorded per trial); absent in studies from before it was recorded. */
  augmentation: z.enum(augmentChoices).optional(),
  state: z.enum(['running', 'complete', 'pruned', 'failed']),
  /** Objective: best validation macro-F1 over the trial's epochs (null until known). */
  value: z.number().nullable(),
  /** Validation macro-F1 per epoch. */
  intermediate: z.array(z.number().nullable()),
  bestEpoch: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  error: z.string().optional(),
});
export type Trial = z.infer<typeof trialSchema>;

const studySchema = z.object({
  format: z.literal('einthoven-hpo-study'),
  version: z.literal(1),
  /** What the study searches (architecture, dataset, base config); a resumed study must match. */
  key: z.string(),
  description: z.string(),
  objective: z.string(),
  trials: z.array(trialSchema),
});
export type Study = z.infer<typeof studySchema>;

export const studyFile = (dir: string) => path.join(dir, 'study.json');

/** Loads the study in `dir`, or starts one; refuses a study of a different search. */
export async function openStudy(dir: string, key: string, description: string): Promise<Study> {
  const file = studyFile(dir);
  if (!existsSync(file)) return { format: 'einthoven-hpo-study', version: 1, key, description, objective: 'maximise best-epoch validation macro-F1 (test split never read)', trials: [] };
  const parsed = studySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new EinthovenError('E_IO', `${file}: not a study file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  if (parsed.data.key !== key) throw new EinthovenError('E_VALIDATION', `${dir} holds a study of a different search (${parsed.data.description}); use another --study folder`);
  return parsed.data;
}

/** Writes the study atomically (after every epoch, so a crash loses at most one epoch). */
export async function saveStudy(dir: string, study: Study): Promise<void> {
  await writeFileAtomic(studyFile(dir), `${JSON.stringify(study, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`);
}

/**
 * The results table: one row per trial, best first, as Markdown. `cell` writes each cell: the CLI's
 * text output escapes them (a study.json is a file anyone may edit, and a parameter name or value
 * holding a line break forged a row), --json keeps them as they are.
 */
export function resultsTable(study: Study, cell: (text: string) => string = (text) => text): string {
  const names = [...new Set(study.trials.flatMap((t) => Object.keys(t.params)))];
  const format = (v: string | number | boolean | undefined) => (typeof v === 'number' ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : String(Math.round(v * 1e4) / 1e4)) : String(v ?? ''));
  const rows = [...study.trials].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.number - b.number);
  const header = ['trial', 'state', 'val F1', 'epochs', 'best epoch', ...names, 'augmentation', 'seconds'];
  const lines = rows.map((t) => [String(t.number), t.state, t.value === null ? '' : t.value.toFixed(4), String(t.intermediate.length), String(t.bestEpoch), ...names.map((n) => format(t.params[n])), t.augmentation ?? 'not recorded', t.seconds.toFixed(0)]);
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.map(cell).join(' | ')} |`)].join('\n');
}
