/**
 * What the benches that compare this checkout's engine with another git revision's share: the
 * revision's core/ extracted under .tmp/ (ignored, and inside the repository so its imports
 * resolve to the same node_modules), its modules imported beside this checkout's, the two engines
 * taking turns; the first records of a PTB-XL pool folder, or its rows as a hospital labels CSV;
 * medians, rounding, and the machine's load before and after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadPtbxl } from '../../core/data/ptbxl';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
export const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** The first `count` WFDB headers of a pool folder (records100, records500), in file order. */
export function poolHeaders(dir: string, count: number): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(dir).sort()) {
    for (const file of readdirSync(path.join(dir, sub)).sort()) if (file.endsWith('.hea') && out.length < count) out.push(path.join(dir, sub, file));
  }
  return out;
}

export interface RevisionCore {
  /** `rev (short sha)`. */
  readonly label: string;
  /** Imports `core/<file>` of the revision. */
  load<T>(file: string): Promise<T>;
}

/** core/ of git revision `rev`, extracted under .tmp/<folder>/<sha> (once), for importing. */
export function revisionCore(rev: string, folder: string): RevisionCore {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const dir = path.join(repoRoot, '.tmp', folder, sha);
  if (!existsSync(path.join(dir, 'core', 'train', 'scope.ts'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', sha, 'core', ':(exclude)core/test/fixtures'], { cwd: repoRoot, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return {
    label: `${rev} (${sha.slice(0, 7)})`,
    load: async <T>(file: string) => (await import(pathToFileURL(path.join(dir, 'core', file)).href)) as T,
  };
}

/** This checkout's engine, then, with --reference REV, the engine of git revision REV (the reference). */
export async function benchEngines<E>(args: readonly string[], thisCheckout: E, revisionEngine: (rev: string) => Promise<E>): Promise<E[]> {
  const rev = flag(args, '--reference');
  return rev ? [thisCheckout, await revisionEngine(rev)] : [thisCheckout];
}

/** The engines in the order of turn `turn`: which goes first alternates, so that neither always runs on what the other warmed. */
export function inTurn<E>(engines: readonly E[], turn: number): readonly E[] {
  return turn % 2 === 0 ? engines : [...engines].reverse();
}

/**
 * The machine's load average (1, 5, 15 min) now; `end` says it beside the one at its call and the
 * cores, and returns both for the figures: a bench shares the machine, and its figures with it.
 */
export function loadWatch(): { end(log: (line: string) => void): { before: number[]; after: number[] } } {
  const now = () => os.loadavg().map((l) => round(l));
  const before = now();
  return {
    end(log) {
      const after = now();
      log(`Load average (1, 5, 15 min): ${before.join(', ')} before, ${after.join(', ')} after; ${os.cpus().length} cores.`);
      return { before, after };
    },
  };
}

/**
 * The pool's first `count` rows (all where not given) at `fs` as a hospital labels CSV written into
 * `dir`: NORM or not, with the database's patients and splits.
 */
export async function poolLabelsCsv(pool: string, fs: 100 | 500, dir: string, count?: number): Promise<{ labels: string; rows: number }> {
  const ds = await loadPtbxl(pool, { fs });
  const norm = ds.classes.indexOf('NORM');
  const labels = path.join(dir, `norm-${fs}.csv`);
  const rows = ds.items.slice(0, count).map((i) => `${path.relative(pool, i.files[0] as string)},${i.labels[norm]},${i.patientId ?? ''},${i.split}`);
  writeFileSync(labels, `file,label,patient_id,split\n${rows.join('\n')}\n`);
  return { labels, rows: rows.length };
}

/** The PTB-XL pool folder a bench reads (`--data DIR`, default ../shared/data); undefined, and said, where it is absent. */
export function benchPool(args: readonly string[], log: (line: string) => void): string | undefined {
  const pool = path.join(path.resolve(flag(args, '--data') ?? path.join(repoRoot, '..', 'shared', 'data')), 'ptbxl-pool');
  if (existsSync(path.join(pool, 'records100'))) return pool;
  log(`(PTB-XL pool not found at ${pool}: nothing to measure)`);
  return undefined;
}

/**
 * A markdown table of ms per record (or `unit`), one column per engine (this checkout, then the reference
 * revision where one ran, with the reference ÷ this checkout ratio), one row per stage.
 */
export function engineStageTable<S extends string>(
  log: (line: string) => void,
  table: { readonly heading: string; readonly stages: readonly S[]; readonly stageText: Readonly<Record<S, string>>; readonly unit?: string },
  engines: readonly { readonly label: string }[],
  msPerRecord: (label: string, stage: S) => number | undefined,
  referenceOverThis: Partial<Record<S, number>> | undefined,
): void {
  const reference = engines[1];
  log(`| ${table.heading} | ${engines.map((e) => `${e.label} ${table.unit ?? 'ms/record'}`).join(' | ')} |${reference ? ' reference ÷ this checkout |' : ''}`);
  log(`| --- | ${engines.map(() => '---:').join(' | ')} |${reference ? ' ---: |' : ''}`);
  for (const stage of table.stages) {
    const cells = engines.map((e) => String(msPerRecord(e.label, stage) ?? '—'));
    log(`| ${table.stageText[stage]} | ${cells.join(' | ')} |${reference ? ` ${referenceOverThis?.[stage] ?? '—'} |` : ''}`);
  }
}
