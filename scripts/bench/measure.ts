/**
 * `npm run bench -- measure [--json] [--quick] [--data DIR] [--mitdb DIR] [--ludb DIR]`: accuracy of the
 * global measurements, pacing detection and interpretive statements against every reference
 * at hand — the carts' own figures (GE MUSE, Philips, DICOM, HL7 aECG), LUDB's cardiologist
 * boundaries, MIT-BIH 100 (committed 60 s excerpt; the whole record with --mitdb DIR holding
 * 100.hea/100.dat) and the PTB-XL pool's statements (1AVB → PR > 200 ms, bundle branch blocks →
 * QRS ≥ 120 ms, PACE → paced; PR measured beat by beat where the median beat shows no P wave). Prints Markdown for docs/benchmarks.md ("measure"); --json
 * prints the figures. --quick keeps the labelled PTB-XL records and 40 others (development).
 * --ludb DIR adds all 200 LUDB records (scripts/bench/ludb.ts): intervals against the
 * cardiologists' boundaries, statements against their diagnoses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { statementLibrary } from '../../core/clinic/statement-library';
import { decodeFiles } from '../../core/formats/index';
import { loadFilesForDecoding } from '../../core/formats/load';
import type { EcgRecord } from '../../core/formats/record';
import { beatByBeatPr, beatPrRules, type BeatPr } from '../../core/signal/beat-pr';
import { analyseEcg, plausibleIntervalsMs, type EcgAnalysis } from '../../core/signal/measure';
import { cleanForMeasurement } from '../../core/signal/median-beat';
import { fixturePath } from '../../core/test/shared-data';
import type { BenchArea } from './main';
import { ludbEvaluation } from './ludb';
import { excludeAfLine, excludeFlutterLine } from './qualifiers';
import { rateWithCi, twoDecimals } from './rates';
import { reportAgreement } from './ptbxl-reports';
import { loadAecg, loadDicom, loadLudb, loadMuse, loadPhilips, type ReferenceRecord } from './signal-references';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

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
  /** PTB-XL `heart_axis` (German Lagetyp categories: LAD, ALAD, MID, AXR, RAD, ARAD, …). */
  readonly heartAxis: string;
  /** PTB-XL's original report text (scripts/bench/ptbxl-reports.ts). */
  readonly report: string;
  /** Whether the labels carry any of PTB-XL's rhythm statements (scp_statements.csv, rhythm = 1). */
  readonly rhythmLabelled: boolean;
  readonly analysis: EcgAnalysis;
  /** The beat-by-beat PR computed anyway where the median beat has a P wave: a check of that method. */
  readonly beatPrCheck?: BeatPr | undefined;
}

export const area: BenchArea = {
  name: 'measure',
  summary: 'measurement, pacing and statement accuracy against the carts, LUDB, MIT-BIH 100, PTB-XL labels and (--ludb DIR) all of LUDB',
  async bench({ args, log }) {
    const flag = (name: string) => {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    };
    // The shared corpus beside the checkout by default, wherever the bench was started from.
    const dataDir = path.resolve(flag('--data') ?? path.join(repoRoot, '..', 'shared', 'data'));
    const quick = args.includes('--quick');
    const figures: Record<string, unknown> = {};
    figures.references = references(dataDir, log);
    figures.mitdb100 = mitdb(flag('--mitdb'), log);
    const pool = loadPool(dataDir, quick, log);
    if (pool.length > 0) {
      figures.ptbxl = ptbxlIntervals(pool, log);
      figures.pacing = ptbxlPacing(pool, log);
      figures.statements = ptbxlStatements(pool, log);
      figures.reportStatements = reportAgreement(
        pool.map((p) => ({ id: p.id, report: p.report, codes: p.codes, heartAxis: p.heartAxis, stated: withAfUnion(p.analysis.statements.map((s) => s.code)) })),
        log,
      );
    }
    figures.corpusStatements = corpusStatements(dataDir, log);
    figures.ludb = ludbEvaluation(flag('--ludb'), withAfUnion, log);
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
    if (quick && ![...codes].some((c) => interesting.has(c)) && others++ >= 60) continue;
    const record = decode(path.join(pool, `${row.filename_hr}.hea`));
    if (!record) continue;
    const analysis = analyseEcg(record.leads, record.fs, { sex: record.patient.sex });
    const rhythmLabelled = [...codes].some((c) => ptbxlRhythmCodes.has(c));
    out.push({ id: String(row.ecg_id).padStart(5, '0'), codes, heartAxis: row.heart_axis ?? '', report: row.report ?? '', rhythmLabelled, analysis, beatPrCheck: beatPrOnMedianP(record, analysis) });
  }
  return out;
}

/** PTB-XL's 12 rhythm statements (SR, AFIB, AFLT, STACH, SBRAD, SARRH, PACE, …: scp_statements.csv's rhythm = 1). */
const ptbxlRhythmCodes = new Set(statementLibrary.filter((s) => s.kind === 'rhythm').map((s) => s.code));

/** The beat-by-beat PR of a record whose median beat has a P wave (where analyseEcg does not use it), to compare the two. */
function beatPrOnMedianP(record: EcgRecord, a: EcgAnalysis): BeatPr | undefined {
  const f = a.fiducials;
  if (!a.medianBeat || !f || f.pOnset === undefined || a.measurements.prMs === null) return undefined;
  const clean = a.medianLeads.map((name) => cleanForMeasurement(record.leads.find((l) => l.name === name)?.samples ?? [], record.fs));
  const b = beatByBeatPr(clean, a.measurements.beats, a.medianBeat, f, plausibleIntervalsMs.prMs);
  return 'medianMs' in b ? b : undefined;
}

/** PTB-XL `scp_codes` is a Python dict literal: {'NORM': 100.0, 'SR': 0.0}. */
function parseScp(text: string): Record<string, number> {
  return Object.fromEntries([...text.matchAll(/'([^']+)':\s*([\d.]+)/g)].map((m) => [m[1] as string, Number(m[2])]));
}

/** Where a record's PR came from: the median beat, or its beats (with their range and count). */
function prSource(a: EcgAnalysis): string {
  const b = a.measurements.prBeats;
  if (a.measurements.prMs === null) return '—';
  return b ? `beats ${Math.round(b.minMs)}–${Math.round(b.maxMs)} (${b.measured}/${b.of})${b.varies ? ', varies' : ''}` : 'median beat';
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
  log(`| measured on | ${avb.map((p) => prSource(p.analysis)).join(' | ')} |`);
  log('');
  const perBeat = pool.filter((p) => p.analysis.measurements.prBeats !== null);
  log(
    `PR measured beat by beat (no P wave on the median beat) on ${perBeat.length} of ${pool.length} records: ${perBeat.map((p) => `${p.id} [${[...p.codes].join(', ')}] ${prSource(p.analysis)}`).join('; ') || 'none'}.`,
  );
  log('');
  const beatPr = beatPrAgreement(pool, log);
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
    firstDegreeAvb: { records: avb.length, prAtLeast200: prLong, prMs: Object.fromEntries(avb.map((p) => [p.id, p.analysis.measurements.prMs])), prBeats: Object.fromEntries(avb.map((p) => [p.id, p.analysis.measurements.prBeats])) },
    prBeatByBeat: perBeat.map((p) => p.id),
    beatPrAgreement: beatPr,
    bundleBranchBlock: { records: bbb.length, qrsAtLeast120: wide, qrsMs: Object.fromEntries(bbb.map((p) => [p.id, p.analysis.measurements.qrsMs])) },
    sinusPrMeasured: prMeasured / Math.max(1, sinus.length),
    qtcFridericia: { median: q(0.5), p05: q(0.05), p95: q(0.95), over500: qtcF.filter((v) => v > 500).length },
  };
}

/**
 * How far the beat-by-beat PR can be trusted: on the records whose median beat has a P wave,
 * the beats' median PR against the median beat's, and the span (max − min) of the beats' PR on
 * records labelled normal, which sets the noise floor for "the PR varies" (core/signal/beat-pr.ts).
 */
function beatPrAgreement(pool: PoolRecord[], log: (line: string) => void): Record<string, unknown> {
  const checked = pool.filter((p) => p.analysis.fiducials?.pOnset !== undefined && p.analysis.measurements.prMs !== null);
  const given = checked.filter((p) => p.beatPrCheck !== undefined);
  const diffs = given.map((p) => (p.beatPrCheck as BeatPr).medianMs - (p.analysis.measurements.prMs as number));
  const spans = given.filter((p) => p.codes.has('NORM')).map((p) => (p.beatPrCheck as BeatPr).maxMs - (p.beatPrCheck as BeatPr).minMs).sort((a, b) => a - b);
  const at = (f: number) => Math.round(spans[Math.min(spans.length - 1, Math.floor(f * spans.length))] ?? Number.NaN);
  const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const figures = {
    recordsWithMedianP: checked.length,
    beatPrGiven: given.length,
    meanDifferenceMs: meanOf(diffs),
    meanAbsDifferenceMs: meanOf(diffs.map(Math.abs)),
    normalSpanMs: { records: spans.length, median: at(0.5), p99: at(0.99), max: Math.round(spans[spans.length - 1] ?? Number.NaN) },
    variesAboveMs: beatPrRules.variableRangeMs,
  };
  log(
    `Check of the beat-by-beat PR where it is not used (median beat with a P wave): given on ${given.length} of ${checked.length} records; its median minus the median beat's PR ${figures.meanDifferenceMs.toFixed(1)} ms on average, ${figures.meanAbsDifferenceMs.toFixed(1)} ms mean absolute. Span of the beats' PR on ${spans.length} records labelled NORM: median ${at(0.5)}, 99th percentile ${at(0.99)}, largest ${figures.normalSpanMs.max} ms ("varies" above ${beatPrRules.variableRangeMs} ms).`,
  );
  log('');
  return figures;
}

function ptbxlPacing(pool: PoolRecord[], log: (line: string) => void): Record<string, unknown> {
  const labelled = pool.filter((p) => p.codes.has('PACE'));
  const called = pool.filter((p) => p.analysis.pacing.paced);
  const tp = called.filter((p) => p.codes.has('PACE')).length;
  const spikesInOthers = pool.filter((p) => !p.codes.has('PACE') && p.analysis.pacing.spikeTimesSec.length > 0).length;
  log(
    `#### Pacing (core/signal/pacing.ts): ${tp} of ${labelled.length} PTB-XL records labelled PACE marked paced (${labelled.map((p) => `${p.id}: ${Math.round(100 * p.analysis.pacing.pacedBeatFraction)} % of beats after a spike`).join(', ')}); ${called.length - tp} of ${pool.length - labelled.length} others marked paced, ${spikesInOthers} with any spike event.`,
  );
  log('');
  return { labelled: labelled.length, truePositives: tp, falsePositives: called.length - tp, othersWithSpikes: spikesInOthers };
}

/** Our AF statements: "atrial fibrillation (or flutter) suspected" (AFIB) and "atrial flutter suspected" (AFLT). */
const afOrFlutter = ['AFIB', 'AFLT'] as const;

/** Statement codes as the AF-or-flutter scoring reads them: an AFLT statement counts as AFIB too. */
function withAfUnion(codes: readonly string[]): Set<string> {
  return new Set(codes.flatMap((c) => (c === 'AFLT' ? ['AFLT', 'AFIB'] : [c])));
}

const withRhythm = '(records with a rhythm label)';
/**
 * A record whose labels carry no rhythm statement at all has an unlabelled rhythm, not a negative
 * one (29 of the pool's 456: their reports read sinus bradycardia, tachycardia, AF …), so the
 * rhythm rows are scored on the records with a rhythm label, as the axis rows on those with a
 * `heart_axis`; the bench prints the same rows over every record beside them.
 */
const rhythmLabelled = (p: PoolRecord) => p.rhythmLabelled;

/**
 * Our statement (by code) against PTB-XL's: which PTB-XL codes count as the same finding.
 * Our fibrillation and flutter statements (AFIB, AFLT) together are scored against AFIB ∪ AFLT,
 * and the flutter statement alone against AFLT; axis deviation against the
 * `heart_axis` column (ALAD: beyond −30°; RAD/ARAD: beyond +90° in the Lagetyp convention; English
 * reports file "left axis deviation" under LAD, so LAD is scored against the reports too: ptbxl-reports.ts).
 */
const ptbxlTruth: Record<string, { label: string; truth: (p: PoolRecord) => boolean; applies?: (p: PoolRecord) => boolean; ours?: readonly string[] }> = {
  SR: { label: `SR ${withRhythm}`, truth: (p) => p.codes.has('SR'), applies: rhythmLabelled },
  SBRAD: { label: `SBRAD ${withRhythm}`, truth: (p) => p.codes.has('SBRAD'), applies: rhythmLabelled },
  STACH: { label: `STACH ${withRhythm}`, truth: (p) => p.codes.has('STACH'), applies: rhythmLabelled },
  SARRH: { label: `SARRH ${withRhythm}`, truth: (p) => p.codes.has('SARRH'), applies: rhythmLabelled },
  AFIB: { label: `AFIB or AFLT ${withRhythm}`, truth: (p) => p.codes.has('AFIB') || p.codes.has('AFLT'), ours: afOrFlutter, applies: rhythmLabelled },
  AFLT: { label: `AFLT ${withRhythm}`, truth: (p) => p.codes.has('AFLT'), applies: rhythmLabelled },
  '1AVB': { label: '1AVB or LPR', truth: (p) => p.codes.has('1AVB') || p.codes.has('LPR') },
  CLBBB: { label: 'CLBBB', truth: (p) => p.codes.has('CLBBB') },
  CRBBB: { label: 'CRBBB', truth: (p) => p.codes.has('CRBBB') },
  IRBBB: { label: 'IRBBB', truth: (p) => p.codes.has('IRBBB') },
  ILBBB: { label: 'ILBBB', truth: (p) => p.codes.has('ILBBB') },
  IVCD: { label: 'IVCD', truth: (p) => p.codes.has('IVCD') },
  LAFB: { label: 'LAFB', truth: (p) => p.codes.has('LAFB') },
  PACE: { label: 'PACE', truth: (p) => p.codes.has('PACE') },
  LVOLT: { label: 'LVOLT', truth: (p) => p.codes.has('LVOLT') },
  LNGQT: { label: 'LNGQT', truth: (p) => p.codes.has('LNGQT') },
  PVC: { label: 'PVC', truth: (p) => p.codes.has('PVC') },
  PAC: { label: 'PAC', truth: (p) => p.codes.has('PAC') },
  LAD: { label: 'heart_axis ALAD (records with a heart_axis)', truth: (p) => p.heartAxis === 'ALAD', applies: (p) => p.heartAxis !== '' },
  RAD: { label: 'heart_axis RAD/ARAD (records with a heart_axis)', truth: (p) => p.heartAxis === 'RAD' || p.heartAxis === 'ARAD', applies: (p) => p.heartAxis !== '' },
};

interface RowScore {
  readonly positives: number;
  readonly calls: number;
  readonly both: number;
  readonly sensitivity: number;
  readonly ppv: number;
}

function scoreRow(scored: readonly PoolRecord[], truth: (p: PoolRecord) => boolean, stated: (p: PoolRecord) => boolean): RowScore {
  const positives = scored.filter(truth).length;
  const calls = scored.filter(stated).length;
  const both = scored.filter((p) => truth(p) && stated(p)).length;
  return { positives, calls, both, sensitivity: both / positives, ppv: both / calls };
}

function ptbxlStatements(pool: PoolRecord[], log: (line: string) => void): Record<string, unknown> {
  log(`#### Interpretive statements against PTB-XL's labels (${pool.length} records)`);
  log('');
  log('| our statement | PTB-XL label | labelled | stated | both | sensitivity (95 % CI) | PPV (95 % CI) | borderline calls (labelled) | PPV without them |');
  log('| --- | --- | ---: | ---: | ---: | --- | --- | ---: | --- |');
  const out: Record<string, unknown> = {};
  const overAll: string[] = [];
  for (const [code, { label, truth, applies, ours }] of Object.entries(ptbxlTruth)) {
    const scored = applies ? pool.filter(applies) : pool;
    const codes = ours ?? [code];
    const statement = (p: PoolRecord) => p.analysis.statements.find((s) => codes.includes(s.code));
    const stated = (p: PoolRecord) => statement(p) !== undefined;
    const { positives, calls, both, sensitivity, ppv } = scoreRow(scored, truth, stated);
    // Borderline calls (within the measurement tolerance of the limit) say so; how the rest fare.
    const borderline = scored.filter((p) => statement(p)?.borderline === true);
    const borderlineTrue = borderline.filter(truth).length;
    const firm = borderline.length === 0 ? '' : twoDecimals((both - borderlineTrue) / (calls - borderline.length));
    log(`| ${code} | ${label} | ${positives} | ${calls} | ${both} | ${rateWithCi(both, positives)} | ${rateWithCi(both, calls)} | ${borderline.length === 0 ? '' : `${borderline.length} (${borderlineTrue})`} | ${firm} |`);
    out[code] = { label, records: scored.length, labelled: positives, stated: calls, both, sensitivity, ppv, borderline: borderline.length, borderlineLabelled: borderlineTrue };
    if (applies === rhythmLabelled) {
      const all = scoreRow(pool, truth, stated);
      overAll.push(`${code} ${all.both}/${all.positives} labelled, ${all.both}/${all.calls} stated (sensitivity ${twoDecimals(all.sensitivity)}, PPV ${twoDecimals(all.ppv)})`);
      out[`${code}, all records`] = all;
    }
  }
  log('');
  const unlabelled = pool.filter((p) => !p.rhythmLabelled);
  log(`Rhythm rows: ${unlabelled.length} of ${pool.length} records carry no rhythm statement in their labels (${unlabelled.map((p) => p.id).join(', ')}). Counting them as negatives instead: ${overAll.join('; ')}.`);
  log('');
  const qualified = pool.map((p) => ({ id: p.id, statements: p.analysis.statements, reference: [...p.codes].join(' ') || 'no statement' }));
  log(excludeAfLine(qualified));
  log('');
  log(excludeFlutterLine(qualified));
  log('');
  return out;
}

/** CPSC 2018 classes and CinC 2021 SNOMED CT codes that one of our statements speaks to. */
const cpscTruth: Record<string, string> = { '2': 'AFIB', '3': '1AVB', '4': 'CLBBB', '5': 'CRBBB', '6': 'PAC', '7': 'PVC' };
const snomedTruth: Record<string, string> = {
  '426783006': 'SR',
  '426177001': 'SBRAD',
  '427084000': 'STACH',
  '427393009': 'SARRH',
  '164889003': 'AFIB',
  '164890007': 'AFIB',
  '270492004': '1AVB',
  '164909002': 'CLBBB',
  '733534002': 'CLBBB',
  '59118001': 'CRBBB',
  '713427006': 'CRBBB',
  '713426002': 'IRBBB',
  '284470004': 'PAC',
  '427172004': 'PVC',
  '17338001': 'PVC',
  '251120003': 'ILBBB',
  '698252002': 'IVCD',
  '111975006': 'LNGQT',
  '10370003': 'PACE',
  '39732003': 'LAD',
  '47665007': 'RAD',
  '251146004': 'LVOLT',
};

/** CPSC 2018 and CinC 2021 records of ../shared/data/ecg: their labels beside our statements, per record. */
function corpusStatements(dataDir: string, log: (line: string) => void): Record<string, unknown> {
  const rows: { record: string; truth: string[]; ours: string[] }[] = [];
  const cpscRef = path.join(dataDir, 'ecg', 'cpsc2018', 'REFERENCE.csv');
  if (existsSync(cpscRef)) {
    for (const line of readFileSync(cpscRef, 'utf8').split(/\r?\n/).slice(1)) {
      const [name, ...labels] = line.split(',');
      if (!name) continue;
      const record = decode(path.join(dataDir, 'ecg', 'cpsc2018', `${name}.mat`));
      if (!record) continue;
      const a = analyseEcg(record.leads, record.fs, { sex: record.patient.sex });
      rows.push({ record: `cpsc2018/${name}`, truth: labels.filter(Boolean).map((l) => cpscTruth[l.trim()] ?? (l.trim() === '1' ? 'normal' : `class ${l.trim()}`)), ours: a.statements.map((s) => s.code) });
    }
  }
  const cinc = path.join(dataDir, 'ecg', 'cinc2021');
  if (existsSync(cinc)) {
    for (const file of readdirSync(cinc).filter((f) => f.endsWith('.hea')).sort()) {
      const header = readFileSync(path.join(cinc, file), 'utf8');
      const dx = /#\s*Dx:\s*([\d,]+)/.exec(header)?.[1]?.split(',') ?? [];
      const record = decode(path.join(cinc, file));
      if (!record) continue;
      const a = analyseEcg(record.leads, record.fs, { sex: record.patient.sex });
      rows.push({ record: `cinc2021/${file.replace('.hea', '')}`, truth: dx.map((c) => snomedTruth[c] ?? `SNOMED ${c}`), ours: a.statements.map((s) => s.code) });
    }
  }
  if (rows.length === 0) return {};
  const scored = new Set(Object.keys(ptbxlTruth));
  let agree = 0;
  let missed = 0;
  let extra = 0;
  log(`#### CPSC 2018 and CinC 2021 records (${rows.length}): their labels and our statements`);
  log('');
  log('| record | labels (mapped to our codes where one applies) | our statements | labels we state / miss |');
  log('| --- | --- | --- | --- |');
  for (const r of rows) {
    const truth = r.truth.filter((c) => scored.has(c));
    // Matched with an AFLT statement counting as AFIB too; printed as stated.
    const matched = withAfUnion(r.ours);
    const hit = truth.filter((c) => matched.has(c));
    const miss = truth.filter((c) => !matched.has(c));
    agree += hit.length;
    missed += miss.length;
    extra += r.ours.filter((c) => scored.has(c) && ![...withAfUnion([c])].some((m) => truth.includes(m)) && !['LAD', 'RAD', 'SR'].includes(c)).length;
    log(`| ${r.record} | ${r.truth.join(', ')} | ${r.ours.join(', ') || '—'} | ${hit.join(', ') || '—'} / ${miss.join(', ') || '—'} |`);
  }
  log('');
  log(`Of ${agree + missed} labels one of our statements speaks to, we state ${agree}; ${extra} rhythm/conduction statements of ours have no matching label (axis and SR left out: these files rarely label them).`);
  log('');
  return { records: rows.length, labelsStated: agree, labelsMissed: missed, unmatchedStatements: extra };
}
