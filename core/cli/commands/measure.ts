import type { CliCommand } from '../command';
import { parseCommandArgs } from '../args';
import { EinthovenError, type ErrorInfo } from '../../errors';
import { groupFiles } from '../../formats/index';
import { forEachFileResult } from '../../parallel/record-files';
import { resolveWorkers } from '../../parallel/worker-count';
import { workersFrom } from './train-flags';
import { loadEachForDecoding } from '../../formats/load';
import type { EcgRecord } from '../../formats/record';
import { leadsCaveat } from '../../formats/leads';
import type { EcgAnalysis } from '../../signal/measure';
import { qtcFormulas } from '../../signal/qtc';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';
import { jsonLine, textColumn } from '../text-column';
import { compareWithDevice } from '../../engine/record-measurements';
import type { DeviceComparison } from '../../contract/measurement-schemas';

const round = (v: number | null, digits = 0): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/**
 * The device's figures beside ours, as the app's device panel compares them (compareWithDevice:
 * the same rows, tolerances and QTc formula matching), ours and the difference rounded as the
 * line's own fields are, so a row's `ours` is the figure printed above it.
 */
function deviceJson(record: EcgRecord, analysis: EcgAnalysis): DeviceComparison | null {
  if (!record.deviceMeasurements) return null;
  const comparison = compareWithDevice(analysis.measurements, record.deviceMeasurements);
  const digits = (field: string) => (field === 'heartRateBpm' ? 1 : 0);
  return { ...comparison, rows: comparison.rows.map((r) => ({ ...r, ours: round(r.ours, digits(r.field)), difference: round(r.difference, digits(r.field)) })) };
}

/** The `ecg measure --json` line for one record (issue 4 fixes the field names). */
export function measurementJson(file: string, record: EcgRecord, analysis: EcgAnalysis): Record<string, unknown> {
  const m = analysis.measurements;
  const quality = Object.fromEntries(Object.entries(analysis.quality.leads).map(([lead, q]) => [lead, { ok: q.ok, issues: q.issues }]));
  const reasons: Record<string, string> = { ...m.reasons };
  if (analysis.quality.verdict !== 'good') reasons.verdict = analysis.quality.reasons.join('; ');
  return {
    file,
    heartRateBpm: round(m.heartRateBpm, 1),
    rrMs: { mean: round(m.rrMs.mean, 1), sd: round(m.rrMs.sd, 1) },
    prMs: round(m.prMs),
    prBeats: m.prBeats ? { medianMs: round(m.prBeats.medianMs), minMs: round(m.prBeats.minMs), maxMs: round(m.prBeats.maxMs), measured: m.prBeats.measured, of: m.prBeats.of, perBeatMs: m.prBeats.perBeatMs.map((v) => round(v)), varies: m.prBeats.varies } : null,
    qrsMs: round(m.qrsMs),
    qtMs: round(m.qtMs),
    qtcMs: Object.fromEntries(qtcFormulas.map((f) => [f, round(m.qtcMs[f])])),
    axisDeg: { p: round(m.axisDeg.p), qrs: round(m.axisDeg.qrs), t: round(m.axisDeg.t) },
    beats: m.beats,
    quality,
    verdict: analysis.quality.verdict,
    fs: record.fs,
    reasons,
    paced: analysis.pacing.paced,
    pacing: {
      assessed: analysis.pacing.assessed,
      spikes: analysis.pacing.spikeTimesSec.length,
      spikeTimesSec: analysis.pacing.spikeTimesSec.map((t) => round(t, 3)),
      spikesPerBeat: round(analysis.pacing.spikesPerBeat, 2),
      pacedBeatFraction: round(analysis.pacing.pacedBeatFraction, 2),
      leadsWithSpikes: analysis.pacing.leadsWithSpikes,
      reason: analysis.pacing.reason,
    },
    // Its quality lists every lead measured: where a computed III stands beside a lead of the file's own naming, which is which (its warnings are not printed here).
    caveats: { ...analysis.caveats, ...leadsCaveat(record.leads) },
    statements: analysis.statements.map((s) => ({ code: s.code, text: s.text, category: s.category, criterion: s.criterion, source: s.source, evidence: s.evidence, ...(s.qualifier ? { qualifier: s.qualifier } : {}), ...(s.borderline ? { borderline: true } : {}), ...(s.partialCode ? { partialCode: true } : {}), ...(s.unconfirmable ? { unconfirmable: s.unconfirmable } : {}) })),
    device: deviceJson(record, analysis),
  };
}

/** " (beat by beat 310–384 ms)" when PR was measured beat by beat. */
function beatRange(prBeats: unknown): string {
  const b = prBeats as { minMs: number; maxMs: number; varies: boolean } | null;
  return b ? ` (beat by beat ${b.minMs}–${b.maxMs} ms${b.varies ? ', varies' : ''})` : '';
}

/**
 * "  device (Philips …), ours / device: PR 148 / 151 ms (−3), QRS 96 / 135 ms (−39, beyond ±20), …"
 * with the QTc row's note (which formula it was compared under) after it: what the app's device
 * panel shows, for a reader holding the cart's printout.
 */
function deviceLines(device: DeviceComparison | null): string[] {
  if (!device) return [];
  const value = (v: number | null, unit: string) => (v === null ? 'n/a' : `${v}${unit === '°' ? '°' : ''}`);
  const difference = (r: DeviceComparison['rows'][number]) => (r.difference === null ? '' : ` (${r.difference > 0 ? '+' : ''}${r.difference}${r.beyondTolerance ? `, beyond ±${r.tolerance}` : ''})`);
  const rows = device.rows.map((r) => `${r.label} ${value(r.ours, r.unit)} / ${value(r.device, r.unit)}${r.unit === '°' ? '' : ` ${r.unit}`}${difference(r)}`);
  const qtcNote = device.rows.find((r) => r.field === 'qtcMs')?.note;
  return [`  device (${device.source}), ours / device: ${rows.join(', ')}`, ...(qtcNote ? [`  device QTc: ${qtcNote}`] : [])];
}

function text(line: Record<string, unknown>): string {
  const show = (v: unknown, unit: string) => (v === null ? 'n/a' : `${String(v)}${unit}`);
  const rr = line.rrMs as { mean: number | null; sd: number | null };
  const qtc = line.qtcMs as Record<string, number | null>;
  const axis = line.axisDeg as Record<string, number | null>;
  const reasons = line.reasons as Record<string, string>;
  return [
    `${String(line.file)}: HR ${show(line.heartRateBpm, ' bpm')}, RR ${show(rr.mean, '')} ± ${show(rr.sd, ' ms')}, PR ${show(line.prMs, ' ms')}${beatRange(line.prBeats)}, QRS ${show(line.qrsMs, ' ms')}, QT ${show(line.qtMs, ' ms')}`,
    `  QTc: ${qtcFormulas.map((f) => `${f[0]!.toUpperCase()}${f.slice(1)} ${show(qtc[f] ?? null, ' ms')}`).join(', ')}`,
    `  frontal axis: P ${show(axis.p, '°')}, QRS ${show(axis.qrs, '°')}, T ${show(axis.t, '°')}; ${(line.beats as number[]).length} beats`,
    `  quality: ${String(line.verdict)}${reasons.verdict ? ` (${reasons.verdict})` : ''}`,
    `  pacing: ${(line.pacing as { reason: string }).reason}`,
    ...deviceLines(line.device as DeviceComparison | null),
    ...[...new Set(Object.values(line.caveats as Record<string, string>))].map((c) => `  caution: ${c}`),
    ...(line.statements as { text: string; qualifier?: string; unconfirmable?: string }[]).map((s) => `  statement: ${s.text}${s.qualifier ? ` (${s.qualifier})` : ''}${s.unconfirmable ? ` [unconfirmable, not for adoption: ${s.unconfirmable}]` : ''}`),
    ...Object.entries(reasons)
      .filter(([k]) => k !== 'verdict')
      .map(([k, v]) => `  ${k}: ${v}`),
  ]
    // Each entry is one line; written through textColumn, since the file's name and the lead names its
    // reasons and caveats quote are whatever the file and its header hold.
    .map(textColumn)
    .join('\n');
}

export const measureCommand: CliCommand = {
  name: 'measure',
  summary: 'Measure HR, RR, PR, QRS, QT, QTc, axes, beats, signal quality and pacing of ECG files, with rule-based statements',
  usage: [
    'Usage: ecg measure FILE… [--json] [--workers N] [--fs HZ --units mV|uV|µV-per-value --leads I,II,…]',
    '',
    'Detects beats on all leads, builds a median beat and measures global intervals (ms), QTc by',
    'Bazett, Fridericia, Framingham and Hodges, and the frontal P/QRS/T axes (degrees); checks',
    'each lead for missing/flat signal, clipping, baseline wander, muscle noise and mains.',
    'With --json, one JSON object per record and line:',
    '  {"file","heartRateBpm","rrMs":{"mean","sd"},"prMs","prBeats","qrsMs","qtMs",',
    '   "qtcMs":{"bazett","fridericia","framingham","hodges"},"axisDeg":{"p","qrs","t"},',
    '   "beats":[sample indices at the record\'s fs],"quality":{"<lead>":{"ok","issues":[…]}},',
    '   "verdict":"good|degraded|unusable","fs","reasons":{"<field>":"why it is null", "verdict":"…"},',
    '   "paced","pacing":{"assessed","spikes","spikeTimesSec","spikesPerBeat","pacedBeatFraction","leadsWithSpikes","reason"},',
    '   "caveats":{"intervalsWithheld"?,"amplitudeImplausible"?,"amplitudeNormalised"?,"qtcNotInterpretable"?,"qtcWideQrs"?,"stNotInterpretable"?,"prFromBeats"?,"samplesHeld"?,"intervalsFromFlaggedLeads"?,"leadsUnrecognised"?,"leadsLeftOut"?},',
    '   "statements":[{"code","text","category","criterion","source","evidence":[{"name","value","unit"?}],"qualifier"?,"borderline"?,"partialCode"?,"unconfirmable"?}],',
    '   "device":null|{"source","values","qtcFormula"?,"rows":[{"field","label","unit","ours","device","difference","tolerance","beyondTolerance","oursFormula"?,"note"?}]}}',
    'Where the file stores the recording device\'s own measurements (aECG, MUSE, Philips, DICOM), "device" holds',
    'them beside ours, as the app\'s device panel does; a difference beyond its tolerance (PR, QRS 20 ms, QT, QTc 30 ms,',
    'axes 20°, rate 5 bpm) has "beyondTolerance":true, and the text output says "beyond ±N" after it.',
    'Statements are rule-based (sinus rhythm/brady/tachy/arrhythmia, atrial fibrillation or flutter suspected, rhythm',
    'undetermined when no P wave is found and neither is suspected, first-degree',
    'AV block, bundle branch and left anterior fascicular blocks, axis deviation, low voltage, QTc, pacing, premature beats), each with',
    'the criterion, its published source and the measured values that met it; one whose value lies within',
    'the measurement tolerance of its limit (PR, QRS 10 ms, QTc 25 ms) says "Borderline" and carries "borderline":true;',
    'one whose code\'s library wording says less or more than its text ("Atrial fibrillation or flutter suspected", AFIB; "Ventricular premature or aberrantly conducted complex", PVC;',
    '"Paced rhythm", PACE: "normal functioning artificial pacemaker") carries "partialCode":true.',
    'Below 250 Hz, where pacemaker spikes cannot be seen, a conduction, axis or QTc statement on a QRS over 160 ms carries',
    '"unconfirmable": why (the complexes may be ventricular paced); the app shows it without the button that adopts it into a reading.',
    'PR comes from the median beat; when it shows no P wave, from each beat\'s own P wave: prBeats then',
    'gives {"medianMs","minMs","maxMs","measured","of","perBeatMs":[…],"varies"} and prMs is its median.',
    'A value that cannot be measured is null, with its reason. A file that cannot be read gives',
    '{"file","error":{"code","message"}} and exit code 1. Research use only: not a diagnosis.',
    'Many files are measured on worker threads (--workers N, default: cores − 1), in the same order.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, workers: { type: 'string' }, ...csvFlagOptions });
    if (positionals.length === 0) throw new EinthovenError('E_VALIDATION', 'no FILE given (see ecg measure --help)');
    const workers = resolveWorkers(workersFrom(values.workers).workers);
    const csv = csvOptionsFromFlags(values);
    const { sources, unreadable } = loadEachForDecoding(positionals);
    let allRead = unreadable.length === 0;
    const failure = (file: string, error: ErrorInfo) => {
      allRead = false;
      // Errors on stderr in text mode, so stdout holds only measurements; --json keeps one object a line on stdout.
      if (values.json) io.stdout(jsonLine({ file, error }));
      else io.stderr(`${textColumn(file)}: ${error.code}: ${textColumn(error.message)}`);
    };
    for (const { file, error } of unreadable) failure(file, error);
    // Many files are measured on worker threads (core/parallel); lines keep the files' order.
    await forEachFileResult(groupFiles(sources), { csv }, { kind: 'measure' }, workers, (result) => {
      if (!result.ok) return failure(result.file, result.error);
      const line = result.value as Record<string, unknown>;
      io.stdout(values.json ? jsonLine(line) : text(line));
    }, () => Promise.reject(new Error('measure needs no model')));
    return allRead ? 0 : 1;
  },
};
