/**
 * `npm run bench -- measure [--json] [--quick] [--data DIR] [--mitdb DIR]`: accuracy of the
 * global measurements, pacing detection and interpretive statements against every reference
 * at hand — the carts' own figures (GE MUSE, Philips, DICOM, HL7 aECG), LUDB's cardiologist
 * boundaries, MIT-BIH 100 (committed 60 s excerpt; the whole record with --mitdb DIR holding
 * 100.hea/100.dat) and the PTB-XL pool's statements (1AVB → PR > 200 ms, bundle branch blocks →
 * QRS ≥ 120 ms, PACE → paced). Prints Markdown for docs/benchmarks.md ("measure"); --json
 * prints the figures. --quick keeps the labelled PTB-XL records and 40 others (development).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { decodeFiles } from '../../core/formats/index';
import { loadFilesForDecoding } from '../../core/formats/load';
import type { EcgRecord } from '../../core/formats/record';
import { analyseEcg, type EcgAnalysis } from '../../core/signal/measure';
import { fixturePath } from '../../core/test/shared-data';
import type { BenchArea } from './main';
import { loadAecg, loadDicom, loadLudb, loadMuse, loadPhilips, type ReferenceRecord } from './signal-references';

type Field = 'heartRateBpm' | 'prMs' | 'qrsMs' | 'qtMs' | 'pAxisDeg' | 'qrsAxisDeg' | 'tAxisDeg';
const fields: Field[] = ['heartRateBpm', 'prMs', 'qrsMs', 'qtMs', 'pAxisDeg', 'qrsAxisDeg', 'tAxisDeg'];

function decode(file: string): EcgRecord | undefined {
  if (!existsSync(file)) return undefined;
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  return outcome?.ok ? outcome.record : undefined;
}

function oursOf(a: EcgAnalysis): Record<Field, number | null> {
  const m = a.measurements;
  return { heartRateBpm: m.heartRateBpm, prMs: m.prMs, qrsMs: m.qrsMs, qtMs: m.qtMs, pAxisDeg: m.axisDeg.p, qrsAxisDeg: m.axisDeg.qrs, tAxisDeg: m.axisDeg.t };
}

const signedDiff = (key: Field, v: number, ref: number) => (key.endsWith('AxisDeg') ? ((((v - ref) % 360) + 540) % 360) - 180 : v - ref);
const fmt = (d: number) => (Math.round(d) === 0 ? '±0' : `${d > 0 ? '+' : ''}${Math.round(d)}`);

interface PoolRecord {
  readonly id: string;
  readonly codes: Set<string>;
  readonly analysis: EcgAnalysis;
}

export const area: BenchArea = {
  name: 'measure',
  summary: 'measurement, pacing and statement accuracy against the carts, LUDB, MIT-BIH 100 and PTB-XL labels',
  async bench({ args, log }) {
    const flag = (name: string) => {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const dataDir = path.resolve(flag('--data') ?? '../shared/data');
    const quick = args.includes('--quick');
    const figures: Record<string, unknown> = {};
    figures.references = references(dataDir, log);
    figures.mitdb100 = mitdb(flag('--mitdb'), log);
    const pool = loadPool(dataDir, quick, log);
    if (pool.length > 0) figures.ptbxl = ptbxlIntervals(pool, log);
    return figures;
  },
};

function references(dataDir: string, log: (line: string) => void): Record<string, unknown> {
  const records = [loadAecg(), loadLudb(dataDir), loadMuse(dataDir), loadDicom(dataDir), loadPhilips(dataDir, '129DYPRG.XML'), loadPhilips(dataDir, '2020-5-18_15-48-11.xml')].filter((r): r is ReferenceRecord => r !== undefined);
  log('#### Against the carts and LUDB (ours vs reference, difference)');
  log('');
  log('| record | reference | HR bpm | PR ms | QRS ms | QT ms | P axis ° | QRS axis ° | T axis ° |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const errors: Partial<Record<Field, number[]>> = {};
  const perRecord: Record<string, Record<string, number | null>> = {};
  for (const r of records) {
    const ours = oursOf(analyseEcg(r.leads, r.fs));
    perRecord[r.name] = ours;
    const cell = (key: Field) => {
      const ref = r.measurements[key];
      const v = ours[key];
      if (ref === undefined) return v === null ? '—' : `${Math.round(v)} (no ref.)`;
      if (v === null) return `n/a vs ${Math.round(ref)}`;
      const d = signedDiff(key, v, ref);
      (errors[key] ??= []).push(Math.abs(d));
      const perLead = key === 'prMs' || key === 'qrsMs' || key === 'qtMs' ? r.perLeadMedianMs?.[key] : undefined;
      return `${Math.round(v)} vs ${Math.round(ref)} (${fmt(d)})${perLead !== undefined ? `; per-lead median ${Math.round(perLead)}` : ''}`;
    };
    log(`| ${[r.name, r.annotator, ...fields.map(cell)].join(' | ')} |`);
  }
  const meanAbs = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
  log('');
  log(`Mean absolute difference: ${Object.entries(meanAbs).map(([k, v]) => `${k} ${v.toFixed(1)} (n=${errors[k as Field]!.length})`).join(', ')}.`);
  log('');
  return { meanAbsError: meanAbs, perRecord };
}

function mitdb(dir: string | undefined, log: (line: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const files: [string, string][] = [['60 s excerpt (committed fixture)', fixturePath('signal', 'mitdb-100', '100.hea')]];
  if (dir) files.push(['whole record (30 min)', path.join(dir, '100.hea')]);
  log('#### MIT-BIH Arrhythmia Database record 100 (MLII, V5; 360 Hz)');
  log('');
  log('| part | HR bpm | PR ms | QRS ms | QT ms | QTc Bazett ms | QTc Fridericia ms |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, file] of files) {
    const record = decode(file);
    if (!record) continue;
    const m = analyseEcg(record.leads, record.fs).measurements;
    const r = (v: number | null) => (v === null ? 'n/a' : String(Math.round(v)));
    log(`| ${label} | ${r(m.heartRateBpm)} | ${r(m.prMs)} | ${r(m.qrsMs)} | ${r(m.qtMs)} | ${r(m.qtcMs.bazett)} | ${r(m.qtcMs.fridericia)} |`);
    out[label] = { qtMs: m.qtMs, qtcBazettMs: m.qtcMs.bazett, qtcFridericiaMs: m.qtcMs.fridericia, prMs: m.prMs, qrsMs: m.qrsMs };
  }
  log('');
  return out;
}

function loadPool(dataDir: string, quick: boolean, log: (line: string) => void): PoolRecord[] {
  const pool = path.join(dataDir, 'ptbxl-pool');
  if (!existsSync(path.join(pool, 'ptbxl_database.csv'))) {
    log('(PTB-XL pool not found: skipped)');
    return [];
  }
  const rows = Papa.parse<Record<string, string>>(readFileSync(path.join(pool, 'ptbxl_database.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
  const interesting = new Set(['1AVB', 'CLBBB', 'CRBBB', 'IRBBB', 'ILBBB', 'PACE', 'AFIB', 'AFLT', 'STACH', 'SBRAD', 'SARRH', 'LVOLT', 'LNGQT']);
  let others = 0;
  const out: PoolRecord[] = [];
  for (const row of rows) {
    const codes = new Set(Object.keys(parseScp(row.scp_codes ?? '')));
    if (quick && ![...codes].some((c) => interesting.has(c)) && others++ >= 40) continue;
    const record = decode(path.join(pool, `${row.filename_hr}.hea`));
    if (!record) continue;
    out.push({ id: String(row.ecg_id).padStart(5, '0'), codes, analysis: analyseEcg(record.leads, record.fs) });
  }
  return out;
}

/** PTB-XL `scp_codes` is a Python dict literal: {'NORM': 100.0, 'SR': 0.0}. */
function parseScp(text: string): Record<string, number> {
  return Object.fromEntries([...text.matchAll(/'([^']+)':\s*([\d.]+)/g)].map((m) => [m[1] as string, Number(m[2])]));
}

function ptbxlIntervals(pool: PoolRecord[], log: (line: string) => void): Record<string, unknown> {
  const r = (v: number | null) => (v === null ? 'n/a' : String(Math.round(v)));
  const avb = pool.filter((p) => p.codes.has('1AVB'));
  const prLong = avb.filter((p) => (p.analysis.measurements.prMs ?? 0) >= 200).length;
  log(`#### PTB-XL first-degree AV block (PR > 200 ms by definition): PR ≥ 200 ms measured on ${prLong} of ${avb.length}`);
  log('');
  log(`| record | ${avb.map((p) => p.id).join(' | ')} |`);
  log(`| --- | ${avb.map(() => '---:').join(' | ')} |`);
  log(`| PR ms | ${avb.map((p) => r(p.analysis.measurements.prMs)).join(' | ')} |`);
  log('');
  const bbb = pool.filter((p) => p.codes.has('CLBBB') || p.codes.has('CRBBB'));
  const wide = bbb.filter((p) => (p.analysis.measurements.qrsMs ?? 0) >= 120).length;
  log(`#### PTB-XL complete bundle branch block (QRS ≥ 120 ms by definition): QRS ≥ 120 ms on ${wide} of ${bbb.length}`);
  log('');
  log(`| record | ${bbb.map((p) => `${p.id} ${p.codes.has('CLBBB') ? 'LBBB' : 'RBBB'}`).join(' | ')} |`);
  log(`| --- | ${bbb.map(() => '---:').join(' | ')} |`);
  log(`| QRS ms | ${bbb.map((p) => r(p.analysis.measurements.qrsMs)).join(' | ')} |`);
  log('');
  const sinus = pool.filter((p) => p.codes.has('SR'));
  const prMeasured = sinus.filter((p) => p.analysis.measurements.prMs !== null).length;
  const qtcF = pool.map((p) => p.analysis.measurements.qtcMs.fridericia).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const q = (f: number) => Math.round(qtcF[Math.min(qtcF.length - 1, Math.floor(f * qtcF.length))] ?? Number.NaN);
  log(
    `Pool (${pool.length} records): PR measured on ${prMeasured} of ${sinus.length} labelled sinus rhythm (${((100 * prMeasured) / Math.max(1, sinus.length)).toFixed(1)} %); QTc Fridericia median ${q(0.5)} ms, 5–95 % ${q(0.05)}–${q(0.95)} ms, ${qtcF.filter((v) => v > 500).length} over 500 ms.`,
  );
  log('');
  return {
    firstDegreeAvb: { records: avb.length, prAtLeast200: prLong, prMs: Object.fromEntries(avb.map((p) => [p.id, p.analysis.measurements.prMs])) },
    bundleBranchBlock: { records: bbb.length, qrsAtLeast120: wide, qrsMs: Object.fromEntries(bbb.map((p) => [p.id, p.analysis.measurements.qrsMs])) },
    sinusPrMeasured: prMeasured / Math.max(1, sinus.length),
    qtcFridericia: { median: q(0.5), p05: q(0.05), p95: q(0.95), over500: qtcF.filter((v) => v > 500).length },
  };
}
