import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { butter, createRng, planResample, resampleLeads, sosfiltfilt } from '../../core/signal';
import type { BenchArea } from './main';

const leads = 12;
const samples = 5000;
const fs = 500;

/** A deterministic ECG-like 12 × 5000 record: wander + mains + noise + 75 bpm spikes. */
function makeRecord(): Float64Array[] {
  const rng = createRng(2025);
  return Array.from({ length: leads }, (_, l) =>
    Float64Array.from({ length: samples }, (_, i) => {
      const t = i / fs;
      const beat = i % 400 < 10 ? 1.2 : 0;
      return 0.3 * Math.sin(2 * Math.PI * 0.3 * t + l) + 0.05 * Math.sin(2 * Math.PI * 50 * t) + 0.05 * rng.uniform(-1, 1) + beat;
    }),
  );
}

/** Median of per-call times in ms after a warm-up (JIT) phase. */
function timeMs(fn: () => void, repeats: number): number {
  for (let i = 0; i < Math.min(50, repeats); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}

const scipyScript = `
import sys, json, timeit
import numpy as np
from scipy import signal
x = np.fromfile(sys.argv[1], dtype='<f8').reshape(${leads}, ${samples})
sos = signal.butter(2, [1, 45], 'bandpass', fs=${fs}, output='sos')
def med(fn, n):
    for _ in range(20): fn()
    t = timeit.repeat(fn, number=1, repeat=n)
    return sorted(t)[len(t)//2] * 1000
print(json.dumps({"sosfiltfilt": med(lambda: signal.sosfiltfilt(sos, x, axis=-1), int(sys.argv[2])),
                  "resample": med(lambda: signal.resample_poly(x, 1, 5, axis=-1), int(sys.argv[2]))}))
`;

/** SciPy on the same data in a child python3; undefined when python3/scipy are missing. */
function measureScipy(record: Float64Array[], repeats: number, log: (line: string) => void): { sosfiltfilt: number; resample: number } | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-signal-'));
  try {
    const file = path.join(dir, 'x.f64');
    const flat = new Float64Array(leads * samples);
    record.forEach((lead, l) => flat.set(lead, l * samples));
    writeFileSync(file, new Uint8Array(flat.buffer));
    const run = spawnSync('python3', ['-c', scipyScript, file, String(repeats)], { encoding: 'utf8' });
    if (run.status !== 0) {
      log(`scipy reference unavailable: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`);
      return undefined;
    }
    return JSON.parse(run.stdout) as { sosfiltfilt: number; resample: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export const area: BenchArea = {
  name: 'signal',
  summary: 'sosfiltfilt (order-2 band-pass) and 500→100 Hz resample_poly on a 12 × 5000 record, vs SciPy',
  async bench({ args, log }) {
    const repeats = Number(args.find((a) => a.startsWith('--repeats='))?.slice(10) ?? 300);
    const record = makeRecord();
    const sos = butter(2, [1, 45], 'bandpass', fs);
    log(`12 × ${samples} record, ${repeats} repeats, median per record`);
    const sosfiltfiltMs = timeMs(() => record.forEach((lead) => sosfiltfilt(sos, lead)), repeats);
    // The plan (filter design) is made inside the timed call, as resample_poly designs its filter on every call.
    const resampleMs = timeMs(() => resampleLeads(record, 1, 5, planResample(samples, 1, 5)), repeats);
    log(`einthoven: sosfiltfilt ${sosfiltfiltMs.toFixed(3)} ms, resample ${resampleMs.toFixed(3)} ms`);
    const scipy = measureScipy(record, repeats, log);
    if (scipy) log(`scipy:     sosfiltfilt ${scipy.sosfiltfilt.toFixed(3)} ms, resample ${scipy.resample.toFixed(3)} ms`);
    return {
      sosfiltfiltMs: round(sosfiltfiltMs),
      resampleMs: round(resampleMs),
      scipySosfiltfiltMs: scipy ? round(scipy.sosfiltfilt) : null,
      scipyResampleMs: scipy ? round(scipy.resample) : null,
      ratioSosfiltfilt: scipy ? round(sosfiltfiltMs / scipy.sosfiltfilt) : null,
      ratioResample: scipy ? round(resampleMs / scipy.resample) : null,
    };
  },
};
