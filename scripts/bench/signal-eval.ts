/**
 * Accuracy of beat detection, measurements and quality checks on every annotated record in
 * the shared corpus. Run: `npx tsx scripts/bench/signal-eval.ts [--json] [--data DIR]`
 * (DIR defaults to ../shared/data). Prints Markdown tables for docs/benchmarks.md ("signal").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { decodeFiles } from '../../core/formats/index';
import { loadFilesForDecoding } from '../../core/formats/load';
import { matchBeats, totalMatch, type BeatMatch } from '../../core/signal/beat-match';
import { analyseEcg } from '../../core/signal/measure';
import { perturb, perturbations } from '../../core/signal/perturb';
import { detectQrs } from '../../core/signal/qrs';
import { qualityThresholds } from '../../core/signal/quality';
import { loadAecg, loadDicom, loadLudb, loadMuse, loadPhilips, type ReferenceRecord } from './signal-references';

const args = process.argv.slice(2);
const json = args.includes('--json');
const dataFlag = args.indexOf('--data');
const dataDir = path.resolve(dataFlag >= 0 ? (args[dataFlag + 1] ?? '') : '../shared/data');
const out: string[] = [];
const say = (line = '') => out.push(line);
const pct = (v: number, digits = 1) => (Number.isFinite(v) ? `${(100 * v).toFixed(digits)} %` : 'n/a');
const row = (cells: (string | number)[]) => say(`| ${cells.join(' | ')} |`);
const tolerance = (fs: number) => Math.round(0.15 * fs);
const figures: Record<string, unknown> = {};

const records: ReferenceRecord[] = [loadAecg(), loadLudb(dataDir), loadMuse(dataDir), loadDicom(dataDir), loadPhilips(dataDir, '129DYPRG.XML'), loadPhilips(dataDir, '2020-5-18_15-48-11.xml')].filter(
  (r): r is ReferenceRecord => r !== undefined,
);
const withBeats = records.filter((r) => r.referenceBeats.length > 0);

say('### Beat detection on annotated records (150 ms tolerance)');
say();
row(['record', 'reference', 'beats', 'TP', 'FN', 'FP', 'sensitivity', 'positive predictivity']);
row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']);
const clean: BeatMatch[] = [];
for (const r of withBeats) {
  const m = matchBeats(r.referenceBeats, detectQrs(r.leads.map((l) => l.samples), r.fs).beats, tolerance(r.fs));
  clean.push(m);
  row([r.name, r.annotator, r.referenceBeats.length, m.truePositives, m.falseNegatives, m.falsePositives, pct(m.sensitivity), pct(m.ppv)]);
}
const cleanTotal = totalMatch(clean);
row(['**all**', '', cleanTotal.truePositives + cleanTotal.falseNegatives, cleanTotal.truePositives, cleanTotal.falseNegatives, cleanTotal.falsePositives, pct(cleanTotal.sensitivity), pct(cleanTotal.ppv)]);
figures.detection = { sensitivity: cleanTotal.sensitivity, ppv: cleanTotal.ppv, beats: cleanTotal.truePositives + cleanTotal.falseNegatives };

// Each lead on its own (LUDB: against that lead's own annotations): the multi-lead detector must not need all 12.
const single: BeatMatch[] = [];
for (const r of withBeats) {
  for (const lead of r.leads) single.push(matchBeats(r.perLeadBeats?.get(lead.name) ?? r.referenceBeats, detectQrs([lead.samples], r.fs).beats, tolerance(r.fs)));
}
const singleTotal = totalMatch(single);
say();
say(`Single-lead detection (each of the ${single.length} leads alone): sensitivity ${pct(singleTotal.sensitivity)}, positive predictivity ${pct(singleTotal.ppv)} over ${singleTotal.truePositives + singleTotal.falseNegatives} annotated beats.`);
figures.singleLead = { sensitivity: singleTotal.sensitivity, ppv: singleTotal.ppv };

say();
say('### Robustness: the same records with artefacts added (core/signal/perturb.ts)');
say();
row(['artefact', 'sensitivity', 'positive predictivity', 'verdicts', 'leads flagged with the matching issue']);
row(['---', '---:', '---:', '---', '---:']);
const expectedIssue: Partial<Record<(typeof perturbations)[number], string>> = { wander: 'baselineWander', muscleNoise: 'highFrequencyNoise', mains: 'mainsInterference', clipped: 'clipped', lowAmplitude: 'flat' };
const robustness: Record<string, unknown> = {};
for (const kind of perturbations) {
  const matches: BeatMatch[] = [];
  const verdicts: string[] = [];
  let flagged = 0;
  let leads = 0;
  for (const r of withBeats) {
    const perturbed = perturb(kind, r.leads.map((l) => l.samples), r.fs, r.referenceBeats, 7);
    const analysis = analyseEcg(perturbed.map((samples, k) => ({ name: r.leads[k]!.name, samples })), r.fs);
    matches.push(matchBeats(r.referenceBeats, analysis.measurements.beats, tolerance(r.fs)));
    verdicts.push(analysis.quality.verdict);
    const issue = expectedIssue[kind];
    for (const lead of r.leads) {
      leads++;
      if (issue && analysis.quality.leads[lead.name]?.issues.some((i) => i === issue)) flagged++;
    }
  }
  const t = totalMatch(matches);
  robustness[kind] = { sensitivity: t.sensitivity, ppv: t.ppv, verdicts };
  row([kind, pct(t.sensitivity), pct(t.ppv), verdicts.join(', '), expectedIssue[kind] ? `${flagged}/${leads} (${expectedIssue[kind]})` : '—']);
}
figures.robustness = robustness;

say();
say('### Measurements against the references (ours − reference)');
say();
row(['record', 'reference', 'HR bpm', 'PR ms', 'QRS ms', 'QT ms', 'P axis °', 'QRS axis °', 'T axis °']);
row(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
const errors: Record<string, number[]> = {};
for (const r of records) {
  const m = analyseEcg(r.leads, r.fs).measurements;
  const ours: Record<string, number | null> = { heartRateBpm: m.heartRateBpm, prMs: m.prMs, qrsMs: m.qrsMs, qtMs: m.qtMs, pAxisDeg: m.axisDeg.p, qrsAxisDeg: m.axisDeg.qrs, tAxisDeg: m.axisDeg.t };
  const cell = (key: keyof ReferenceRecord['measurements']) => {
    const ref = r.measurements[key];
    const v = ours[key];
    if (ref === undefined) return v === null || v === undefined ? '—' : `${Math.round(v)} (no ref.)`;
    if (v === null || v === undefined) return `n/a vs ${ref}`;
    const d = key.endsWith('AxisDeg') ? ((((v - ref) % 360) + 540) % 360) - 180 : v - ref;
    (errors[key] ??= []).push(Math.abs(d));
    const perLead = key === 'prMs' || key === 'qrsMs' || key === 'qtMs' ? r.perLeadMedianMs?.[key] : undefined;
    const signed = Math.round(d) === 0 ? '±0' : `${d > 0 ? '+' : ''}${Math.round(d)}`;
    return `${Math.round(v)} vs ${Math.round(ref)} (${signed})${perLead !== undefined ? `; per-lead median ${Math.round(perLead)}` : ''}`;
  };
  row([r.name, r.annotator, cell('heartRateBpm'), cell('prMs'), cell('qrsMs'), cell('qtMs'), cell('pAxisDeg'), cell('qrsAxisDeg'), cell('tAxisDeg')]);
}
const meanAbs = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
say();
say(`Mean absolute difference: ${Object.entries(meanAbs).map(([k, v]) => `${k} ${v.toFixed(1)} (n=${errors[k]!.length})`).join(', ')}.`);
figures.measurementMeanAbsError = meanAbs;

evaluatePtbxl();

if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
else process.stdout.write(`${out.join('\n')}\n`);

/** PTB-XL pool: axis categories, noise annotations, 100 vs 500 Hz agreement, timing. */
function evaluatePtbxl(): void {
  const pool = path.join(dataDir, 'ptbxl-pool');
  if (!existsSync(path.join(pool, 'ptbxl_database.csv'))) return;
  const rows = Papa.parse<Record<string, string>>(readFileSync(path.join(pool, 'ptbxl_database.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
  const axes = new Map<string, number[]>();
  const drift: { wander: number; labelled: boolean }[] = [];
  const noise: { hf: number; labelled: boolean }[] = [];
  const verdicts = new Map<string, number>();
  const rates: BeatMatch[] = [];
  const measured: Record<'prMs' | 'qrsMs' | 'qtMs' | 'pAxis', number> = { prMs: 0, qrsMs: 0, qtMs: 0, pAxis: 0 };
  const qtcF: number[] = [];
  let ms = 0;
  let n = 0;
  for (const r of rows) {
    const hr = decodeFiles(loadFilesForDecoding([path.join(pool, `${r.filename_hr}.hea`)]))[0];
    const lr = decodeFiles(loadFilesForDecoding([path.join(pool, `${r.filename_lr}.hea`)]))[0];
    if (!hr?.ok || !lr?.ok) continue;
    const t0 = performance.now();
    const a = analyseEcg(hr.record.leads, hr.record.fs);
    ms += performance.now() - t0;
    n++;
    verdicts.set(a.quality.verdict, (verdicts.get(a.quality.verdict) ?? 0) + 1);
    const m = a.measurements;
    if (m.prMs !== null) measured.prMs++;
    if (m.qrsMs !== null) measured.qrsMs++;
    if (m.qtMs !== null) measured.qtMs++;
    if (m.axisDeg.p !== null) measured.pAxis++;
    if (m.qtcMs.fridericia !== null) qtcF.push(m.qtcMs.fridericia);
    const axis = a.measurements.axisDeg.qrs;
    if (r.heart_axis && axis !== null) axes.set(r.heart_axis, [...(axes.get(r.heart_axis) ?? []), axis]);
    const driftLeads = parsePtbxlLeads(r.baseline_drift ?? '');
    const noiseLeads = parsePtbxlLeads(`${r.static_noise ?? ''},${r.burst_noise ?? ''}`);
    for (const [lead, q] of Object.entries(a.quality.leads)) {
      if (!q.metrics) continue;
      drift.push({ wander: q.metrics.wanderMv, labelled: driftLeads.has(lead) });
      noise.push({ hf: q.metrics.hfNoiseMv, labelled: noiseLeads.has(lead) });
    }
    const low = detectQrs(lr.record.leads.map((l) => l.samples), lr.record.fs).beats;
    rates.push(matchBeats(a.measurements.beats.map((b) => (b * lr.record.fs) / hr.record.fs), low, tolerance(lr.record.fs)));
  }
  say();
  say(`### PTB-XL pool (${n} records, 500 Hz; ${(ms / n).toFixed(0)} ms per record for detection + quality + measurements)`);
  say();
  const agreement = totalMatch(rates);
  say(`Detection at 100 Hz against detection at 500 Hz (same recordings, no annotations): agreement ${pct(agreement.sensitivity, 2)} / ${pct(agreement.ppv, 2)} (${agreement.falseNegatives} missed, ${agreement.falsePositives} extra of ${agreement.truePositives + agreement.falseNegatives} beats).`);
  say(`Record verdicts: ${[...verdicts].map(([v, c]) => `${v} ${c}`).join(', ')}.`);
  say(
    `Measured (not null): PR ${pct(measured.prMs / n)}, QRS ${pct(measured.qrsMs / n)}, QT ${pct(measured.qtMs / n)}, P axis ${pct(measured.pAxis / n)} (PTB-XL includes AF and paced records, which have no P wave). QTc Fridericia median ${Math.round(quantileOf(qtcF, 0.5))} ms, 5–95 % ${Math.round(quantileOf(qtcF, 0.05))}–${Math.round(quantileOf(qtcF, 0.95))} ms, ${qtcF.filter((v) => v < 340 || v > 500).length} outside 340–500 ms.`,
  );
  const labelled = drift.filter((d) => d.labelled);
  const unlabelled = drift.filter((d) => !d.labelled);
  const th = qualityThresholds.wanderMv;
  say(
    `Baseline wander flag (≥ ${th} mV) against PTB-XL's per-lead \`baseline_drift\` annotations: flags ${pct(labelled.filter((d) => d.wander >= th).length / labelled.length)} of ${labelled.length} annotated leads and ${pct(unlabelled.filter((d) => d.wander >= th).length / unlabelled.length)} of ${unlabelled.length} others; AUC of the wander figure ${auc(labelled.map((d) => d.wander), unlabelled.map((d) => d.wander)).toFixed(3)}.`,
  );
  const noisy = noise.filter((d) => d.labelled);
  const quiet = noise.filter((d) => !d.labelled);
  const hf = qualityThresholds.hfNoiseMv;
  say(
    `High-frequency noise flag (≥ ${hf} mV) against PTB-XL's \`static_noise\`/\`burst_noise\` annotations: flags ${pct(noisy.filter((d) => d.hf >= hf).length / noisy.length)} of ${noisy.length} annotated leads and ${pct(quiet.filter((d) => d.hf >= hf).length / quiet.length)} of ${quiet.length} others; AUC of the noise figure ${auc(noisy.map((d) => d.hf), quiet.map((d) => d.hf)).toFixed(3)} (median ${(1000 * quantileOf(noisy.map((d) => d.hf), 0.5)).toFixed(1)} µV in annotated leads: PTB-XL marks noise far below what hides waves).`,
  );
  say();
  say('QRS axis by PTB-XL `heart_axis` category (ranges assume the German Lagetyp convention of the Schiller carts; records with English reports file "left axis deviation", beyond −30°, under LAD as well, which accounts for LAD records outside −30…30: see "measure", left axis deviation):');
  say();
  row(['category', 'records', 'median axis °', 'expected', 'within ±15° of expected']);
  row(['---', '---:', '---:', '---', '---:']);
  const expected: Record<string, [number, number]> = { ALAD: [-180, -30], LAD: [-30, 30], MID: [30, 60], AXR: [60, 90], RAD: [90, 120], ARAD: [120, 180] };
  for (const [category, values] of [...axes].sort()) {
    const range = expected[category];
    const inside = range ? values.filter((v) => v >= range[0] - 15 && v <= range[1] + 15).length / values.length : Number.NaN;
    row([category, values.length, Math.round(quantileOf(values, 0.5)), range ? `${range[0]}…${range[1]}` : '?', range ? pct(inside) : 'n/a']);
  }
  figures.ptbxl = { records: n, msPerRecord: ms / n, agreement100vs500: agreement, verdicts: Object.fromEntries(verdicts) };
}

function quantileOf(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

/** Probability that a positive scores above a negative (ties count half). */
function auc(pos: number[], neg: number[]): number {
  const sorted = [...neg].sort((a, b) => a - b);
  let sum = 0;
  for (const p of pos) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < p) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < sorted.length && sorted[eq] === p) eq++;
    sum += lo + (eq - lo) / 2;
  }
  return sum / (pos.length * neg.length);
}

/** PTB-XL lead lists such as " , I-AVR,  ", "alles" (all), "V2,3", "II,III,AVF". */
function parsePtbxlLeads(text: string): Set<string> {
  const order = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  const upper = order.map((l) => l.toUpperCase());
  const t = text.toUpperCase().replace(/\s/g, '');
  const out = new Set<string>();
  if (!t.replace(/,/g, '')) return out;
  if (t.includes('ALLES')) return new Set(order);
  let chest = false;
  for (const part of t.split(/[,.]/).filter(Boolean)) {
    const norm = (p: string) => (chest && /^\d$/.test(p) ? `V${p}` : p);
    const [a, b] = part.split('-').map(norm) as [string, string | undefined];
    const from = upper.indexOf(a);
    const to = b === undefined ? from : upper.indexOf(b);
    if (from >= 0 && to >= from) for (let i = from; i <= to; i++) out.add(order[i] as string);
    chest ||= part.startsWith('V');
  }
  return out;
}
