/**
 * `npm run bench -- <area> [--json]`: speed measurements, each against a reference
 * measured side by side in the same run. With --json, one JSON object on stdout.
 * Add an area by writing scripts/bench/<area>.ts exporting `bench` and listing it here.
 * Relative paths on the command line (measure's --data, --mitdb, --ludb) are read from the folder
 * npm was called from, as `npm run ecg` reads them (core/cli/npm-caller.ts); an area's own files
 * are found from the repository, wherever that is.
 */
import { enterNpmCallerFolder } from '../../core/cli/npm-caller';

export interface BenchArea {
  readonly name: string;
  readonly summary: string;
  /** Returns the figures; `log` prints human-readable progress (to stderr when --json). */
  bench(options: { args: readonly string[]; log: (line: string) => void }): Promise<Record<string, unknown>>;
}

const areas: Record<string, () => Promise<BenchArea>> = {
  signal: () => import('./signal').then((m) => m.area),
  models: () => import('./models').then((m) => m.area),
  formats: () => import('./formats').then((m) => m.area),
  parity: () => import('./parity').then((m) => m.area),
  measure: () => import('./measure').then((m) => m.area),
  worklist: () => import('./worklist').then((m) => m.area),
  viewer: () => import('./viewer').then((m) => m.area),
  import: () => import('./import').then((m) => m.area),
  audit: () => import('./audit').then((m) => m.area),
  memory: () => import('./memory').then((m) => m.area),
  removal: () => import('./removal').then((m) => m.area),
  scope: () => import('./scope').then((m) => m.area),
  'predict-gates': () => import('./predict-gates').then((m) => m.area),
  'job-scope': () => import('./job-scope').then((m) => m.area),
  'predict-sequence': () => import('./predict-sequence').then((m) => m.area),
  'finetune-cv': () => import('./finetune-cv').then((m) => m.area),
  'dataset-index': () => import('./dataset-index').then((m) => m.area),
  'folder-search': () => import('./folder-search').then((m) => m.area),
};

async function main(argv: readonly string[]): Promise<number> {
  if (!enterNpmCallerFolder('bench')) return 1;
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const [name, ...args] = rest;
  const load = name === undefined ? undefined : areas[name];
  if (!load) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(areas).join('|')}> [--json]\n`);
    return 2;
  }
  const area = await load();
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const figures = await area.bench({ args, log });
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else log(JSON.stringify(figures, null, 2));
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
