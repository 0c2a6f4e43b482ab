/**
 * LUDB 1.0.1 for `npm run bench -- measure --ludb DIR` (DIR holds ludb.csv and data/): 200
 * ten-second 12-lead records whose P, QRS and T boundaries cardiologists marked in every lead,
 * each with the cardiologists' diagnoses. Kalyakulina A. et al., LUDB: a new open-access
 * validation tool for electrocardiogram delineation algorithms, IEEE Access 8:186181 (2020);
 * PhysioNet doi:10.13026/eegm-h675; ODC-By 1.0. Not in ../shared (34 MB): PhysioNet's
 * SHA256SUMS.txt in the folder checks a copy.
 *
 * As published, every lead of every record spans exactly 1 mV peak to peak (rescaled lead by
 * lead, core/signal/lead-normalisation.ts), so voltages are not scored: the intervals against
 * the cardiologists' boundaries, the rhythm, conduction, ectopy and pacing statements against
 * their diagnoses, and our QRS axis (from the limb leads' restored proportions) beside their
 * axis categories.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { analyseEcg, type EcgAnalysis } from '../../core/signal/measure';
import { mean as meanOf, quantile, sampleStd } from '../../core/signal/stats';
import { excludeAfLine, excludeFlutterLine } from './qualifiers';
import { rateWithCi } from './rates';
import { loadLudbRecord, type ReferenceRecord } from './signal-references';

interface LudbRecord {
  readonly id: string;
  readonly diagnoses: Record<string, string>;
  readonly reference: ReferenceRecord;
  readonly analysis: EcgAnalysis;
  readonly stated: Set<string>;
}

type Interval = 'prMs' | 'qrsMs' | 'qtMs';

/** The diagnosis columns of ludb.csv whose words one of our statements speaks to (LUDB's spelling kept). */
const ludbTruth: Record<string, { label: string; truth: (d: Record<string, string>) => boolean }> = {
  AFIB: { label: 'atrial fibrillation or flutter', truth: (d) => /Atrial (fibrillation|flutter)/.test(d.Rhythms ?? '') },
  AFLT: { label: 'atrial flutter', truth: (d) => /Atrial flutter/.test(d.Rhythms ?? '') },
  '1AVB': { label: 'I degree AV block', truth: (d) => /I degree av block/i.test(d['Conduction abnormalities'] ?? '') },
  CLBBB: { label: 'complete LBBB', truth: (d) => /\bComplete left bundle branch block/i.test(d['Conduction abnormalities'] ?? '') },
  CRBBB: { label: 'complete RBBB', truth: (d) => /\bComplete right bundle branch block/i.test(d['Conduction abnormalities'] ?? '') },
  LAFB: { label: 'left anterior hemiblock', truth: (d) => /Left anterior hemiblock/i.test(d['Conduction abnormalities'] ?? '') },
  IRBBB: { label: 'incomplete RBBB', truth: (d) => /Incomplete right bundle branch block/i.test(d['Conduction abnormalities'] ?? '') },
  ILBBB: { label: 'incomplete LBBB', truth: (d) => /Incomplete left bundle branch block/i.test(d['Conduction abnormalities'] ?? '') },
  IVCD: { label: 'non-specific intraventricular conduction delay', truth: (d) => /intravintricular|intraventricular/i.test(d['Conduction abnormalities'] ?? '') },
  PACE: { label: 'any cardiac pacing entry', truth: (d) => (d['Cardiac pacing'] ?? '').trim() !== '' },
  SBRAD: { label: 'sinus bradycardia (their limit 60 bpm, ours 50)', truth: (d) => /Sinus bradycardia/.test(d.Rhythms ?? '') },
  STACH: { label: 'sinus tachycardia', truth: (d) => /Sinus tachycardia/.test(d.Rhythms ?? '') },
  SARRH: { label: 'sinus arrhythmia', truth: (d) => /Sinus arrhythmia/.test(d.Rhythms ?? '') },
  PVC: { label: 'ventricular extrasystole', truth: (d) => /Ventricular extrasystole/.test(d.Extrasystolies ?? '') },
  PAC: { label: 'atrial extrasystole', truth: (d) => /Atrial extrasystole/.test(d.Extrasystolies ?? '') },
};

const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(Math.round(v)));

function loadLudbRecords(dir: string, statedCodes: (codes: readonly string[]) => Set<string>): LudbRecord[] {
  const rows = Papa.parse<Record<string, string>>(readFileSync(path.join(dir, 'ludb.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
  const out: LudbRecord[] = [];
  for (const row of rows) {
    const id = (row.ID ?? '').trim();
    const reference = id === '' ? undefined : loadLudbRecord(path.join(dir, 'data'), id, `ludb/${id}`);
    if (!reference) continue;
    const sex = (row.Sex ?? '').trim();
    const analysis = analyseEcg(reference.leads, reference.fs, { sex: sex === 'M' || sex === 'F' ? sex : 'U' });
    out.push({ id, diagnoses: row, reference, analysis, stated: statedCodes(analysis.statements.map((s) => s.code)) });
  }
  return out;
}

/** Mean, median, mean absolute and SD of ours-minus-reference differences, as one table row. */
function differenceRow(label: string, diffs: readonly number[], log: (line: string) => void): Record<string, number> {
  const mean = meanOf(diffs);
  const sd = sampleStd(diffs);
  const median = quantile(diffs, 0.5);
  const meanAbs = meanOf(diffs.map(Math.abs));
  log(`| ${label} | ${diffs.length} | ${mean.toFixed(1)} | ${median.toFixed(1)} | ${meanAbs.toFixed(1)} | ${sd.toFixed(1)} | ${(mean - 1.96 * sd).toFixed(0)} to ${(mean + 1.96 * sd).toFixed(0)} |`);
  return { records: diffs.length, meanDiffMs: mean, medianDiffMs: median, meanAbsMs: meanAbs, sdMs: sd };
}

/**
 * Ours minus the cardiologists' intervals, over the records where both exist: against the
 * global interval (earliest onset to latest offset over their independently marked leads,
 * which one late mark widens) and against the median of their per-lead intervals (which no
 * single lead's global extent reaches); a global measurement belongs between the two.
 */
function intervalAgreement(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  log(`#### LUDB 1.0.1: global intervals against the cardiologists' per-lead boundaries (${records.length} records)`);
  log('');
  log('Reference per beat: earliest onset to latest offset over the leads (P and T where at least 6 leads show them), median over the annotated beats; "per-lead median": the median of their intervals over every lead and beat. Ours from the median beat.');
  log('');
  log('| interval | records | mean difference ms | median | mean absolute | SD | 95 % limits of agreement |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const out: Record<string, unknown> = {};
  const references = [
    { suffix: '', label: '', of: (r: LudbRecord, key: Interval) => r.reference.measurements[key] },
    { suffix: 'PerLeadMedian', label: ' (per-lead median)', of: (r: LudbRecord, key: Interval) => r.reference.perLeadMedianMs?.[key] },
  ];
  for (const reference of references) {
    for (const key of ['prMs', 'qrsMs', 'qtMs'] as const satisfies readonly Interval[]) {
      const diffs = records.flatMap((r) => {
        const ours = r.analysis.measurements[key];
        const ref = reference.of(r, key);
        return ours === null || ref === undefined ? [] : [ours - ref];
      });
      if (diffs.length === 0) continue;
      out[`${key}${reference.suffix}`] = differenceRow(`${key.replace('Ms', '').toUpperCase()}${reference.label}`, diffs, log);
    }
  }
  log('');
  return out;
}

/**
 * Our QRS onset and offset, carried from the median beat to each beat, against the
 * cardiologists' marks of the same beat: the median over their 12 leads and their earliest
 * onset / latest offset. Tells which boundary a difference in QRS duration comes from.
 */
function qrsBoundaryAgreement(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  const perRecord: Record<'onsetMedian' | 'onsetEarliest' | 'offsetMedian' | 'offsetLatest', number[]> = { onsetMedian: [], onsetEarliest: [], offsetMedian: [], offsetLatest: [] };
  for (const r of records) {
    const { fiducials: f, medianBeat: beat } = r.analysis;
    const medians = r.reference.qrsBoundaryMedians;
    if (!f || !beat || f.qrsOnset === undefined || f.qrsOffset === undefined || !medians) continue;
    const ms = (samples: number) => (samples * 1000) / r.reference.fs;
    const diffs: Record<keyof typeof perRecord, number[]> = { onsetMedian: [], onsetEarliest: [], offsetMedian: [], offsetLatest: [] };
    r.reference.beats.forEach((ref, i) => {
      const centre = (ref.qrsOn + ref.qrsOff) / 2;
      const ours = r.analysis.measurements.beats.find((b) => Math.abs(b - centre) < 0.1 * r.reference.fs);
      const median = medians[i];
      if (ours === undefined || !median) return;
      const on = ours + (f.qrsOnset as number) - beat.pre;
      const off = ours + (f.qrsOffset as number) - beat.pre;
      diffs.onsetMedian.push(ms(on - median.on));
      diffs.onsetEarliest.push(ms(on - ref.qrsOn));
      diffs.offsetMedian.push(ms(off - median.off));
      diffs.offsetLatest.push(ms(off - ref.qrsOff));
    });
    if (diffs.onsetMedian.length === 0) continue;
    for (const key of Object.keys(perRecord) as (keyof typeof perRecord)[]) perRecord[key].push(quantile(diffs[key], 0.5));
  }
  log(`#### LUDB 1.0.1: our QRS boundaries against the cardiologists' marks of the same beats`);
  log('');
  log('Per record the median over its beats of ours minus theirs (ms; negative: ours earlier).');
  log('');
  log('| boundary | records | mean difference ms | median | mean absolute | SD | 95 % limits of agreement |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const labels: Record<keyof typeof perRecord, string> = { onsetMedian: 'onset vs their median lead', onsetEarliest: 'onset vs their earliest lead', offsetMedian: 'offset vs their median lead', offsetLatest: 'offset vs their latest lead' };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(perRecord) as (keyof typeof perRecord)[]) if (perRecord[key].length > 0) out[key] = differenceRow(labels[key], perRecord[key], log);
  log('');
  return out;
}

/**
 * Our beats against the cardiologists' QRS complexes: a complex is a QRS peak marked in at least
 * 6 of the 12 leads within 100 ms of each other, a match within ±75 ms (the 150 ms window of
 * ANSI/AAMI EC57). LUDB leaves the first and last beats of a record unmarked, so only beats from
 * 150 ms before the first marked complex to 150 ms after the last are scored.
 */
function beatAgreement(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  let reference = 0;
  let found = 0;
  let ours = 0;
  let matched = 0;
  const misses: string[] = [];
  const extras: string[] = [];
  for (const r of records) {
    const fs = r.reference.fs;
    const peaks = [...(r.reference.perLeadBeats?.values() ?? [])].flat().sort((a, b) => a - b);
    const clusters: number[][] = [];
    for (const p of peaks) {
      const last = clusters[clusters.length - 1];
      if (last && p - (last[last.length - 1] as number) < 0.1 * fs) last.push(p);
      else clusters.push([p]);
    }
    const complexes = clusters.filter((c) => c.length >= 6).map((c) => c[c.length >> 1] as number);
    if (complexes.length === 0) continue;
    const from = (complexes[0] as number) - 0.15 * fs;
    const to = (complexes[complexes.length - 1] as number) + 0.15 * fs;
    const beats = r.analysis.measurements.beats.filter((b) => b >= from && b <= to);
    const near = (a: number, list: readonly number[]) => list.some((b) => Math.abs(a - b) <= 0.075 * fs);
    const missed = complexes.filter((c) => !near(c, beats)).length;
    const extra = beats.filter((b) => !near(b, complexes)).length;
    reference += complexes.length;
    found += complexes.length - missed;
    ours += beats.length;
    matched += beats.length - extra;
    if (missed > 0) misses.push(`${r.id} (${missed})`);
    if (extra > 0) extras.push(`${r.id} (${extra})`);
  }
  log(`#### LUDB 1.0.1: our beats against the cardiologists' QRS complexes (${records.length} records)`);
  log('');
  log('| their complexes | found | sensitivity (95 % CI) | our beats | matched | PPV (95 % CI) | missed in | extra in |');
  log('| ---: | ---: | --- | ---: | ---: | --- | --- | --- |');
  log(`| ${reference} | ${found} | ${rateWithCi(found, reference)} | ${ours} | ${matched} | ${rateWithCi(matched, ours)} | ${misses.join(', ') || '—'} | ${extras.join(', ') || '—'} |`);
  log('');
  return { reference, found, ours, matched, misses, extras };
}

function statementAgreement(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  log(`#### LUDB 1.0.1: statements against the cardiologists' diagnoses (${records.length} records)`);
  log('');
  log('| our statement | LUDB diagnosis | diagnosed | stated | both | sensitivity (95 % CI) | PPV (95 % CI) | disagreements (+ we state, − we do not) |');
  log('| --- | --- | ---: | ---: | ---: | --- | --- | --- |');
  const out: Record<string, unknown> = {};
  for (const [code, { label, truth }] of Object.entries(ludbTruth)) {
    const diagnosed = records.filter((r) => truth(r.diagnoses));
    const stated = records.filter((r) => r.stated.has(code));
    const both = diagnosed.filter((r) => r.stated.has(code)).length;
    const disagreements = records.filter((r) => truth(r.diagnoses) !== r.stated.has(code)).map((r) => `${r.stated.has(code) ? '+' : '−'}${r.id}`);
    log(`| ${code} | ${label} | ${diagnosed.length} | ${stated.length} | ${both} | ${rateWithCi(both, diagnosed.length)} | ${rateWithCi(both, stated.length)} | ${disagreements.join(', ') || '—'} |`);
    out[code] = { label, diagnosed: diagnosed.length, stated: stated.length, both, sensitivity: both / diagnosed.length, ppv: both / stated.length };
  }
  const rescaled = records.filter((r) => r.stated.has('RESCALED')).length;
  log('');
  log(`Low voltage is not scored: ${rescaled} of ${records.length} records were found rescaled lead by lead, so no voltage statement was made.`);
  log('');
  const qualified = records.map((r) => ({ id: r.id, statements: r.analysis.statements, reference: (r.diagnoses.Rhythms ?? '').replace(/\s*\n\s*/g, '; ').trim() }));
  log(excludeAfLine(qualified));
  log('');
  log(excludeFlutterLine(qualified));
  log('');
  return out;
}

/**
 * Our QRS axis within each of LUDB's axis categories. Their boundaries are not given with the
 * database (the Russian school's horizontal, normal and vertical positions lie around 0–30°,
 * 30–70° and 70–90°, and its left deviation below 0°, not below −30° as in [AHA-II]), so the
 * categories are shown beside our degrees rather than scored as our LAD/RAD statements.
 */
function axisAgreement(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  const byCategory = new Map<string, number[]>();
  let unmeasured = 0;
  for (const r of records) {
    const category = (r.diagnoses['Electric axis of the heart'] ?? '').replace(/^Electric axis of the heart:\s*/, '').trim() || '(no category)';
    const axis = r.analysis.measurements.axisDeg.qrs;
    if (axis === null) unmeasured++;
    else byCategory.set(category, [...(byCategory.get(category) ?? []), axis]);
  }
  log(`#### LUDB 1.0.1: our QRS axis (limb leads' proportions restored) within the cardiologists' axis categories`);
  log('');
  log('| their category | records | our QRS axis, median ° | quartiles ° | range ° |');
  log('| --- | ---: | ---: | --- | --- |');
  const out: Record<string, unknown> = {};
  for (const [category, axes] of [...byCategory].sort((a, b) => quantile(a[1], 0.5) - quantile(b[1], 0.5))) {
    const q = (p: number) => Math.round(quantile(axes, p));
    log(`| ${category} | ${axes.length} | ${q(0.5)} | ${q(0.25)} to ${q(0.75)} | ${q(0)} to ${q(1)} |`);
    out[category] = { records: axes.length, medianDeg: quantile(axes, 0.5), q1Deg: quantile(axes, 0.25), q3Deg: quantile(axes, 0.75) };
  }
  log('');
  log(`No axis on ${unmeasured} record(s).`);
  log('');
  return out;
}

/** First-degree AV block: our PR and the one the cardiologists' own boundaries give, wherever either says over 200 ms or they diagnosed it. */
function firstDegreeDetail(records: readonly LudbRecord[], log: (line: string) => void): Record<string, unknown> {
  const truth = ludbTruth['1AVB']!.truth;
  const rows = records.filter((r) => truth(r.diagnoses) || r.stated.has('1AVB') || (r.reference.measurements.prMs ?? 0) > 200);
  log('#### LUDB 1.0.1: first-degree AV block, record by record');
  log('');
  log('| record | diagnosed | stated | PR from their boundaries ms | our PR ms | rhythm (theirs) |');
  log('| --- | --- | --- | ---: | ---: | --- |');
  for (const r of rows) {
    log(`| ${r.id} | ${truth(r.diagnoses) ? 'yes' : ''} | ${r.stated.has('1AVB') ? 'yes' : ''} | ${ms(r.reference.measurements.prMs)} | ${ms(r.analysis.measurements.prMs)} | ${(r.diagnoses.Rhythms ?? '').replace(/\s*\n\s*/g, '; ')} |`);
  }
  const overLimit = records.filter((r) => (r.reference.measurements.prMs ?? 0) > 200);
  const overLimitDiagnosed = overLimit.filter((r) => truth(r.diagnoses)).length;
  log('');
  log(`Their own boundaries give a PR over 200 ms on ${overLimit.length} records; they diagnosed first-degree AV block on ${overLimitDiagnosed} of them.`);
  log('');
  return { prOver200ByTheirBoundaries: overLimit.length, ofThemDiagnosed: overLimitDiagnosed };
}

/** The LUDB section of the measure bench; empty when `dir` holds no ludb.csv. */
export function ludbEvaluation(dir: string | undefined, statedCodes: (codes: readonly string[]) => Set<string>, log: (line: string) => void): Record<string, unknown> {
  if (!dir) return {};
  if (!existsSync(path.join(dir, 'ludb.csv'))) {
    log(`(no ludb.csv in ${dir}: LUDB skipped)`);
    return {};
  }
  const records = loadLudbRecords(dir, statedCodes);
  return { beats: beatAgreement(records, log), intervals: intervalAgreement(records, log), qrsBoundaries: qrsBoundaryAgreement(records, log), statements: statementAgreement(records, log), axis: axisAgreement(records, log), firstDegree: firstDegreeDetail(records, log) };
}
