// Real paced records: PTB-XL 00143 (CC BY 4.0, core/test/fixtures/signal/ptbxl-paced), LUDB 93
// (biventricular pacing) and 111 (bipolar pacing, blanked by the recorder; both ODC-By 1.0,
// core/test/fixtures/signal/ludb-93, ludb-111); real non-paced records:
// the bundled samples (resources/samples/ptbxl) and LUDB 99 (ODC-By 1.0,
// core/test/fixtures/signal/ludb-99), whose clipped R waves end in steps. With ../shared: the PTB-XL
// records of the corpus (3 paced, 26 not) and the Philips files, whose calibration pulse has
// spike-sharp edges. Whole-pool figures: `npm run bench -- measure` (docs/benchmarks.md).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import type { EcgRecord } from '../formats/record';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { analyseEcg } from './measure';
import { detectPacing } from './pacing';
import { detectQrs } from './qrs';
import { syntheticEcg } from './synthetic-ecg';

function read(file: string): EcgRecord {
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  if (!outcome?.ok) throw new Error(`cannot read ${file}`);
  return outcome.record;
}

const samplesDir = path.resolve(fixturePath(), '../../../resources/samples/ptbxl');
const leadsOf = (r: EcgRecord) => r.leads.map((l) => l.samples as Float32Array);

describe('detectPacing on real records', () => {
  it('marks the paced PTB-XL record 00143 paced, with a spike before every beat in most leads', () => {
    const record = read(fixturePath('signal', 'ptbxl-paced', '00143_hr.hea'));
    const result = detectPacing(leadsOf(record), record.fs);
    expect(result.paced).toBe(true);
    expect(result.assessed).toBe(true);
    expect(result.spikeTimesSec.length).toBeGreaterThanOrEqual(10);
    expect(result.pacedBeatFraction).toBeGreaterThanOrEqual(0.9);
    // The paced beats by index, for the AF rule (statements.ts leaves them out of the RR irregularity).
    const beats = detectQrs(leadsOf(record), record.fs).beats;
    expect(result.pacedBeats.length).toBe(Math.round(result.pacedBeatFraction * beats.length));
    expect(result.pacedBeats.every((k) => Number.isInteger(k) && k >= 0 && k < beats.length)).toBe(true);
    expect(result.spikesPerBeat).toBeGreaterThan(0.8);
    expect(result.spikesPerBeat).toBeLessThan(1.3);
    expect(result.leadsWithSpikes).toBeGreaterThanOrEqual(8);
    expect(result.reason).toMatch(/pacemaker spikes/);
  });

  it('finds no spikes in the bundled non-paced samples', () => {
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.hea'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const record = read(path.join(samplesDir, file));
      const result = detectPacing(leadsOf(record), record.fs);
      expect({ file, paced: result.paced, spikes: result.spikeTimesSec.length }).toEqual({ file, paced: false, spikes: 0 });
      expect(result.assessed).toBe(true);
    }
  });

  it('takes no spike from the drop off a clipped R wave (LUDB 99, sinus arrhythmia, was called paced)', () => {
    // Its R waves are flat-topped in 10 leads and end in a one-sample drop: clipped, then filtered.
    const record = read(fixturePath('signal', 'ludb-99', '99.hea'));
    const result = detectPacing(leadsOf(record), record.fs);
    expect(result).toMatchObject({ paced: false, assessed: true, spikeTimesSec: [] });
  });

  it('calls LUDB 93 paced (biventricular pacing: spikes in 3–5 of 12 leads, each 128 ms before its QRS)', () => {
    const record = read(fixturePath('signal', 'ludb-93', '93.hea'));
    const result = detectPacing(leadsOf(record), record.fs);
    expect(result).toMatchObject({ paced: true, assessed: true });
    expect(result.pacedBeatFraction).toBeGreaterThanOrEqual(0.8);
    expect(result.leadsWithSpikes).toBeLessThan(8);
    expect(result.reason).toMatch(/each 12\d ms before its QRS/);
  });

  it('calls LUDB 111 paced (bipolar pacing: its recorder blanks each pulse, leaving a jump between two held values in every lead)', () => {
    const record = read(fixturePath('signal', 'ludb-111', '111.hea'));
    const result = detectPacing(leadsOf(record), record.fs);
    expect(result).toMatchObject({ paced: true, assessed: true });
    expect(result.leadsWithSpikes).toBeGreaterThanOrEqual(8);
    // On the beats as the analysis aligns them, a paced rhythm: no QRS, axis or QTc statement.
    const analysis = analyseEcg(record.leads, record.fs);
    expect(analysis.pacing.pacedBeatFraction).toBeGreaterThanOrEqual(0.9);
    expect(analysis.statements.map((st) => st.code)).toEqual(['RESCALED', 'PACE', 'QTCNI']);
  });

  it('does not judge below 250 Hz and says why', () => {
    const record = read(fixturePath('signal', 'ptbxl-paced', '00143_hr.hea'));
    const every5th = leadsOf(record).map((l) => l.filter((_, i) => i % 5 === 0));
    const result = detectPacing(every5th, 100);
    expect(result).toMatchObject({ paced: false, assessed: false, spikeTimesSec: [] });
    expect(result.reason).toMatch(/could not be assessed.*100 Hz.*250 Hz/);
    expect(detectPacing([], 500)).toMatchObject({ paced: false, assessed: false });
    expect(detectPacing([new Float32Array(5000)], 500).reason).toMatch(/no usable lead/);
  });
});

describe('detectPacing on synthetic ECGs', () => {
  const ecg = syntheticEcg({ seconds: 10, seed: 11, rrS: 0.9 });
  /** Adds a 2-sample spike of `mv` at `offsetS` (one per beat, or a function of the beat's index) before every beat on the given leads. */
  const withSpikes = (leads: number[], mv: number, offsetS: number | ((k: number) => number)) =>
    ecg.leads.map((lead, k) => {
      const out = Float32Array.from(lead);
      if (!leads.includes(k)) return out;
      ecg.beats.forEach((b, j) => {
        const at = b - Math.round((typeof offsetS === 'number' ? offsetS : offsetS(j)) * ecg.fs);
        out[at] = (out[at] as number) + mv;
        out[at + 1] = (out[at + 1] as number) + 0.5 * mv;
      });
      return out;
    });
  const all = [...Array(12).keys()];

  it('calls ventricular and atrial stimuli on every lead paced, and times them', () => {
    for (const offsetS of [0.04, 0.2]) {
      const result = detectPacing(withSpikes(all, 1.5, offsetS), ecg.fs);
      expect(result.paced).toBe(true);
      expect(result.pacedBeatFraction).toBe(1);
      expect(result.leadsWithSpikes).toBe(12);
      const expected = ecg.beats.map((b) => (b - Math.round(offsetS * ecg.fs)) / ecg.fs);
      expect(result.spikeTimesSec).toEqual(expected);
    }
  });

  it('ignores an artefact confined to a few leads (one faulty electrode) and a clean record', () => {
    expect(detectPacing(withSpikes([0, 1], 2, 0.1), ecg.fs)).toMatchObject({ paced: false, spikeTimesSec: [] });
    // Three leads, at times that owe nothing to the beats: pops, not a pacemaker.
    const unlocked = (j: number) => 0.05 + ((j * 0.137) % 0.3);
    expect(detectPacing(withSpikes([0, 1, 3], 2, unlocked), ecg.fs)).toMatchObject({ paced: false, spikeTimesSec: [] });
    expect(detectPacing(ecg.leads, ecg.fs)).toMatchObject({ paced: false, assessed: true, spikeTimesSec: [] });
  });

  it('counts small stimuli seen in a few leads when they come at one fixed interval before the beats (bipolar, biventricular pacing)', () => {
    const result = detectPacing(withSpikes([4, 9, 10], 0.6, 0.12), ecg.fs);
    expect(result).toMatchObject({ paced: true, pacedBeatFraction: 1, leadsWithSpikes: 3 });
    expect(result.reason).toMatch(/each 1[12]\d ms before its QRS \(spikes this small count only at a fixed interval before most beats\)/);
    // On the QRS itself (a sharp R wave locks to the beats too), or at no fixed interval: not.
    expect(detectPacing(withSpikes([4, 9, 10], 0.6, 0.01), ecg.fs).paced).toBe(false);
    expect(detectPacing(withSpikes([4, 9, 10], 0.6, (j) => 0.06 + ((j * 0.071) % 0.2)), ecg.fs).paced).toBe(false);
  });

  it('counts a blanked pulse (a held baseline, a jump, a short hold) on every lead, not a long hold nor one held at the R peak', () => {
    const fs = ecg.fs;
    /**
     * `offsetS` before each beat's fiducial: the lead held for 10 ms (at its own level there, or
     * at the R peak's with `fromPeak`), then a 0.5 mV jump held for `afterS`, then the signal again.
     */
    const blanked = (offsetS: number, afterS: number, fromPeak = false) =>
      ecg.leads.map((lead) => {
        const out = Float32Array.from(lead);
        for (const b of ecg.beats) {
          const jumpAt = b - Math.round(offsetS * fs);
          const level = (fromPeak ? out[b] : out[jumpAt - 5]) as number;
          for (let j = jumpAt - 5; j <= jumpAt; j++) out[j] = level;
          for (let j = jumpAt + 1; j <= jumpAt + Math.round(afterS * fs); j++) out[j] = level - 0.5 * Math.sign(level || 1);
        }
        return out;
      });
    const result = detectPacing(blanked(0.06, 0.01), fs);
    expect(result).toMatchObject({ paced: true, pacedBeatFraction: 1, leadsWithSpikes: 12 });
    // Held 150 ms after the jump: a calibration pulse's shape, not a blanked stimulus.
    expect(detectPacing(blanked(0.2, 0.15), fs).paced).toBe(false);
    // Held at the R peak: the recorder cutting a steep QRS (LUDB 109), not a pacemaker.
    expect(detectPacing(blanked(-0.006, 0.01, true), fs).paced).toBe(false);
  });

  it('ignores steps on every lead (a calibration pulse)', () => {
    const pulsed = ecg.leads.map((lead) => lead.map((v, i) => (i >= 4800 && i < 4900 ? 1 : i >= 4700 ? 0 : v)));
    expect(detectPacing(pulsed, ecg.fs).spikeTimesSec).toEqual([]);
  });
});

describe.runIf(sharedData)('detectPacing on the corpus (../shared)', () => {
  it('agrees with PTB-XL pacemaker labels and is not fooled by calibration pulses', () => {
    const dir = sharedDataPath('ecg', 'ptbxl', 'records500');
    const labels = new Map(pacedLabels(sharedDataPath('ecg', 'labels.csv')));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hea'))) {
      const record = read(path.join(dir, file));
      const paced = labels.get(`ptbxl/records500/${file.replace('.hea', '')}`);
      expect({ file, paced: detectPacing(leadsOf(record), record.fs).paced }).toEqual({ file, paced });
    }
    for (const file of ['129DYPRG.XML', '2020-5-18_15-48-11.xml']) {
      const record = read(sharedDataPath('ecg', 'philips-xml', file));
      expect({ file, spikes: detectPacing(leadsOf(record), record.fs).spikeTimesSec }).toEqual({ file, spikes: [] });
    }
  });
});

/** labels.csv rows → [record, has the PTB-XL PACE statement]. */
function pacedLabels(file: string): [string, boolean][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => [line.split(',')[0] as string, /(^|[,;])PACE:/.test(line)]);
}
