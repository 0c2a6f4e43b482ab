import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { decodeFiles, type DecodeOptions } from './index';
import type { EcgRecord } from './record';

/**
 * Cross-format pairs: the same ECG in two or three formats. Files of ../shared/data/ecg are named
 * by `corpus` (those tests run when ../shared exists), committed fixtures by `fixturePath`.
 */
function read(options: DecodeOptions, ...files: string[]): EcgRecord {
  const sources = files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(readFileSync(f)) }));
  const outcome = decodeFiles(sources, options)[0];
  if (!outcome?.ok) throw new Error(JSON.stringify(outcome));
  return outcome.record;
}

const corpus = (file: string) => sharedDataPath('ecg', file);

const lead = (record: EcgRecord, name: string) => record.leads.find((l) => l.name === name)!.samples;

/** Largest |a·scaleA − b·scaleB| over samples where both are present; counts samples compared. */
function maxDifference(a: Float32Array, b: Float32Array, scaleA: number, scaleB: number, length = a.length): { max: number; compared: number } {
  let max = 0;
  let compared = 0;
  for (let i = 0; i < length; i++) {
    const x = (a[i] as number) * scaleA;
    const y = (b[i] as number) * scaleB;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    compared++;
    max = Math.max(max, Math.abs(x - y));
  }
  return { max, compared };
}

const canonical = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const limb = canonical.slice(0, 6);

describe('cross-format pairs agree sample by sample within one quantisation step', () => {
  it.runIf(sharedData)('GE MUSE XML vs its WFDB copy (all 12 leads, XML limb leads derived)', () => {
    const xml = read({}, corpus('muse-xml/muse-sinus.xml'));
    const wfdb = read({}, corpus('muse-xml/muse-sinus.hea'), corpus('muse-xml/muse-sinus.dat'));
    expect(wfdb.nSamples).toBe(xml.nSamples);
    // The WFDB copy (written by the EGM R package) stores the MUSE values rounded to whole µV but
    // declares gain 200/mV, so its physical values are 5× too large: compare at its ADC level
    // (ADC = mV × 200) against the XML in µV. The XML's own step is 4.88 µV.
    for (const name of canonical) {
      const { max, compared } = maxDifference(lead(xml, name), lead(wfdb, name), 1000, 200);
      expect(compared, name).toBe(xml.nSamples);
      expect(max, name).toBeLessThanOrEqual(0.5 + 1e-3);
    }
  });

  it.runIf(sharedData)('Contec ECG90A: SCP-ECG vs CSV vs EDF (limb leads; V1–V6 missing in all three)', () => {
    const csvOptions = { csv: { fs: 800, units: 5, leads: canonical } };
    const scp = read({}, corpus('contec-scp-edf-csv/0000050.ECG.scp'));
    const csv = read(csvOptions, corpus('contec-scp-edf-csv/0000050.ECG.csv'));
    const edf = read({}, corpus('contec-scp-edf-csv/0000050.ECG.edf'));
    expect([scp.nSamples, csv.nSamples, edf.nSamples]).toEqual([37855, 37855, 37855]);
    expect([scp.fs, csv.fs, edf.fs]).toEqual([800, 800, 800]);
    for (const name of limb) {
      // SCP (5 µV/LSB) and CSV (raw counts × 5 µV) agree exactly where the SCP holds data
      // (its uint16 byte counts stop at 32767 samples; the rest is NaN, flagged in warnings).
      const scpCsv = maxDifference(lead(scp, name), lead(csv, name), 1, 1);
      expect(scpCsv.compared, name).toBe(32767);
      expect(scpCsv.max, name).toBeLessThan(1e-6);
      // The EDF header maps ±32768 to ±1000 mV although the counts are 5 µV units (a converter
      // bug, trust SCP): compare the EDF's digital values with CSV counts over all samples.
      const edfDigitalPerMv = 65535 / 2000;
      const edfCsv = maxDifference(lead(edf, name), lead(csv, name), edfDigitalPerMv, 200);
      expect(edfCsv.compared, name).toBe(37855);
      expect(edfCsv.max, name).toBeLessThanOrEqual(0.5 + 1e-3);
    }
    for (const name of canonical.slice(6)) {
      expect(scp.warnings).toContain(`${name} is flat (every sample 0 mV; probably not recorded)`);
      expect(edf.warnings).toContain(`${name} is flat (every sample 0.01526 mV; probably not recorded)`);
      expect(csv.warnings).toContain(`${name} has no values (missing lead)`);
    }
    expect(scp.warnings.some((w) => w.includes('32767 of the declared samples'))).toBe(true);
  });

  // The aECG is the committed fixture (CC0); Example.scp stays in ../shared (it came through the GPL-3 ecg-contec).
  it.runIf(sharedData)('HL7 aECG example vs the SCP-ECG Example.scp made from it (ECG Toolkit), 2.5 µV steps', () => {
    const aecg = read({}, fixturePath('formats', 'aecg', 'Example_aECG.xml'));
    const scp = read({}, corpus('contec-scp-edf-csv/Example.scp'));
    expect(scp.nSamples).toBe(aecg.nSamples);
    for (const name of canonical) {
      const { max, compared } = maxDifference(lead(aecg, name), lead(scp, name), 1, 1);
      expect(compared).toBe(aecg.nSamples);
      expect(max, name).toBeLessThanOrEqual(0.0025 + 1e-6);
    }
  });

  // Both committed (core/test/fixtures/formats/philips, MIT).
  it('Philips 129DYPRG.XML vs repbeats_example.xml (same ECG, second file adds median beats)', () => {
    const a = read({}, fixturePath('formats', 'philips', '129DYPRG.XML'));
    const b = read({}, fixturePath('formats', 'philips', 'repbeats_example.xml'));
    for (const name of canonical) expect(maxDifference(lead(a, name), lead(b, name), 1, 1).max, name).toBe(0);
    expect(b.representativeBeat?.leads.map((l) => l.name)).toEqual(canonical);
  });
});
