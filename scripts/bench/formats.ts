import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFiles } from '../../core/formats/index';
import type { SourceFile } from '../../core/formats/record';
import type { BenchArea } from './main';

/**
 * Records per second for reading every 500 Hz PTB-XL record of ../shared/data/ptbxl-pool into
 * mV (files read from disk, header parsed, format detected, ADC → mV, record assembled), next
 * to a raw numpy read of the same .dat files in a python3 child measured in the same run.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const pool = path.resolve(here, '../../../shared/data/ptbxl-pool/records500');

function stems(): string[] {
  return readdirSync(pool)
    .flatMap((dir) => readdirSync(path.join(pool, dir)).filter((n) => n.endsWith('.hea')).map((n) => path.join(pool, dir, n.slice(0, -4))))
    .sort();
}

function readRecord(stem: string): SourceFile[] {
  const name = path.basename(stem);
  return [
    { name: `${name}.hea`, bytes: new Uint8Array(readFileSync(`${stem}.hea`)) },
    { name: `${name}.dat`, bytes: new Uint8Array(readFileSync(`${stem}.dat`)) },
  ];
}

/** Median over passes of the time for one pass over all records, after one warm-up pass. */
function passSeconds(passes: number, pass: () => void): number {
  pass();
  const times: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = process.hrtime.bigint();
    pass();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}

const numpyScript = `
import sys, json, time
import numpy as np
stems = sys.argv[2:]
passes = int(sys.argv[1])
def raw():
    for s in stems:
        np.fromfile(s + '.dat', dtype='<i2').reshape(-1, 12).astype(np.float32) / np.float32(1000)
def with_header():
    for s in stems:
        lines = open(s + '.hea').read().split('\\n')
        n = int(lines[0].split()[1])
        gains = np.array([float(l.split()[2].split('(')[0].split('/')[0]) for l in lines[1:1 + n]], dtype=np.float32)
        np.fromfile(s + '.dat', dtype='<i2').reshape(-1, n).astype(np.float32) / gains
def median(fn):
    fn()
    t = []
    for _ in range(passes):
        t0 = time.perf_counter(); fn(); t.append(time.perf_counter() - t0)
    return sorted(t)[len(t) // 2]
print(json.dumps({"raw": median(raw), "withHeader": median(with_header)}))
`;

function numpySeconds(passes: number, list: readonly string[]): { raw: number; withHeader: number } | undefined {
  const run = spawnSync('python3', ['-c', numpyScript, String(passes), ...list], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) return undefined;
  return JSON.parse(run.stdout) as { raw: number; withHeader: number };
}

const rate = (records: number, seconds: number) => ({ recordsPerSecond: Math.round(records / seconds), msPerRecord: +((seconds * 1000) / records).toFixed(4) });

export const area: BenchArea = {
  name: 'formats',
  summary: 'records/s reading the 500 Hz PTB-XL pool into mV, vs a raw numpy read',
  async bench({ args, log }) {
    if (!existsSync(pool)) throw new Error(`${pool} not found: the formats bench needs ../shared/data/ptbxl-pool`);
    const passes = Number(args.find((a) => a.startsWith('--passes='))?.slice(9) ?? 7);
    const list = stems();
    log(`formats: ${list.length} records of ${pool}, ${passes} timed passes each`);
    let checked = 0;
    const fromDisk = passSeconds(passes, () => {
      checked = 0;
      for (const stem of list) {
        const outcome = decodeFiles(readRecord(stem))[0];
        if (!outcome?.ok || outcome.record.nSamples !== 5000 || outcome.record.leads.length !== 12) throw new Error(`${stem}: not read`);
        checked++;
      }
    });
    const inMemory = list.map(readRecord);
    const decodeOnly = passSeconds(passes, () => {
      for (const files of inMemory) if (!decodeFiles(files)[0]?.ok) throw new Error('not read');
    });
    log(`einthoven: ${(fromDisk * 1000).toFixed(1)} ms per pass from disk, ${(decodeOnly * 1000).toFixed(1)} ms decode only`);
    const numpy = numpySeconds(passes, list);
    if (numpy) log(`numpy: ${(numpy.raw * 1000).toFixed(1)} ms raw, ${(numpy.withHeader * 1000).toFixed(1)} ms with header gains`);
    else log('numpy reference unavailable (python3 with numpy needed)');
    const einthoven = rate(checked, fromDisk);
    return {
      area: 'formats',
      records: checked,
      passes,
      node: process.version,
      einthoven: { ...einthoven, what: 'read .hea + .dat from disk, detect, parse header, int16 → mV Float32, build 12-lead record' },
      einthovenDecodeOnly: rate(checked, decodeOnly),
      numpyRaw: numpy ? { ...rate(checked, numpy.raw), what: "np.fromfile(dat,'<i2').reshape(-1,12).astype(float32)/1000" } : null,
      numpyWithHeader: numpy ? { ...rate(checked, numpy.withHeader), what: 'same plus reading each .hea for lead count and gains' } : null,
      ratioToNumpyRaw: numpy ? +(einthoven.recordsPerSecond / rate(checked, numpy.raw).recordsPerSecond).toFixed(3) : null,
      goalRecordsPerSecond: 2000,
      meetsGoal: einthoven.recordsPerSecond >= 2000,
    };
  },
};
