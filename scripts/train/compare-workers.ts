/**
 * Issue 11's acceptance check for data-parallel training: the same job trained with 1 and with
 * N workers must reach the same validation metrics within the bootstrap CI. Reads two
 * `ecg train --json` outputs (same seed, dataset and settings; only --workers differs) and says,
 * per headline metric, whether each run's value lies inside the other's 95 % CI.
 *
 *   npm run -s ecg -- train … --workers 1 --json > one.json
 *   npm run -s ecg -- train … --workers 2 --json > two.json
 *   npx tsx scripts/train/compare-workers.ts one.json two.json      (exit 1 when a metric falls outside)
 */
import { readFileSync } from 'node:fs';

interface TrainOutput {
  readonly validation: Record<string, unknown>;
  readonly validationCi: Record<string, { low: number | null; high: number | null }>;
  readonly secondsPerEpoch: number;
  readonly bestEpoch: number;
}

const metrics = ['aucMacro', 'f1Macro', 'mapMacro', 'accuracy'];
const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) {
  process.stderr.write('usage: compare-workers.ts ONE.json N.json\n');
  process.exit(2);
}
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8').trim().split('\n').pop() as string) as TrainOutput;
const [a, b] = [read(fileA), read(fileB)];
const inside = (v: number, ci: { low: number | null; high: number | null } | undefined) => ci?.low !== null && ci?.high !== null && ci !== undefined && v >= (ci.low as number) && v <= (ci.high as number);
let ok = true;
for (const m of metrics) {
  const [va, vb] = [a.validation[m], b.validation[m]];
  if (typeof va !== 'number' || typeof vb !== 'number') continue;
  const both = inside(vb, a.validationCi[m]) && inside(va, b.validationCi[m]);
  ok &&= both;
  const ci = (r: TrainOutput) => `[${r.validationCi[m]?.low?.toFixed(3)}, ${r.validationCi[m]?.high?.toFixed(3)}]`;
  process.stdout.write(`${m.padEnd(10)} ${va.toFixed(3)} ${ci(a)}  vs  ${vb.toFixed(3)} ${ci(b)}  ${both ? 'within' : 'OUTSIDE'}\n`);
}
process.stdout.write(`best epoch ${a.bestEpoch} vs ${b.bestEpoch}; ${a.secondsPerEpoch.toFixed(1)} vs ${b.secondsPerEpoch.toFixed(1)} s/epoch\n`);
process.exit(ok ? 0 : 1);
