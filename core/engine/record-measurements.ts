import type { CorrectionView, DeviceComparison, StoredCorrection } from '../contract/measurement-schemas';
import type { RecordDetail } from '../contract/schemas';
import { listed, wordFor } from '../contract/counted';
import type { LeadQualityReport, MedianBeatView, RecordMeasurements } from '../contract/viewer-schemas';
import type { CorrectionApplied, EcgMeasurements, ShortLeads } from '../signal/measure';
import type { LeadQuality } from '../signal/quality';
import type { Fiducials } from '../signal/delineate';
import type { MedianBeat } from '../signal/median-beat';
import { analyseEcg } from '../signal/measure';
import { leadsCaveat, voltageLeads } from '../formats/leads';
import { qtcFormulaName, qtcFormulas, qtcFormulaText, type QtcFormula } from '../signal/qtc';
import { issueText } from '../signal/record-quality';

/**
 * The viewer's measurements for a stored record: the same analysis as `ecg measure`
 * (core/signal/measure.ts) on the same samples, unrounded, so the UI and the CLI agree.
 * QTc comes under every formula with the formula's text, because a QTc without its formula
 * is ambiguous (Bazett over-corrects at fast rates). With the reader's stored correction
 * (beats, wave boundaries), every figure and statement comes from the reader's and the
 * program's own figures ride along for comparison.
 */
export function measureRecord(record: RecordDetail, stored?: StoredCorrection): RecordMeasurements {
  // A lead the file lacks is all-NaN: quality reports it missing instead of measuring zeros. A channel in units of its own (PLETH, ABP) is not measured.
  const leads = voltageLeads(record.leads.map((lead, i) => ({ name: lead.name, units: lead.units, samples: record.signals[i] ?? new Float32Array(record.nSamples).fill(Number.NaN) })));
  const { measurements: m, quality, medianBeat, medianLeads, fiducials, pacing, beatsLeftOut, leadsLeftOut, caveats, statements, correction } = analyseEcg(leads, record.fs, { sex: record.patient.sex, boundaries: stored?.boundaries, beatEdits: stored?.beats });
  // The program's own figures, beside the reader's: its whole analysis, so each is what the screen showed before the correction.
  const program = stored && correction?.applied ? analyseEcg(leads, record.fs, { sex: record.patient.sex }).measurements : undefined;
  return {
    recordId: record.id,
    fs: record.fs,
    heartRateBpm: m.heartRateBpm,
    rrMs: { mean: m.rrMs.mean, sd: m.rrMs.sd },
    prMs: m.prMs,
    prBeats: m.prBeats ? { ...m.prBeats, perBeatMs: [...m.prBeats.perBeatMs] } : null,
    qrsMs: m.qrsMs,
    qtMs: m.qtMs,
    qtc: qtcFormulas.map((formula) => ({ formula, text: qtcFormulaText[formula], ms: m.qtcMs[formula] })),
    axisDeg: { ...m.axisDeg },
    beats: [...m.beats],
    medianBeat: medianBeat ? medianBeatView(medianBeat, medianLeads, fiducials, beatsLeftOut) : null,
    reasons: { ...m.reasons },
    quality: {
      verdict: quality.verdict,
      reasons: [...quality.reasons],
      leads: Object.entries(quality.leads).map(([lead, q]) => qualityRow(lead, q, leadsLeftOut)),
      leadsMissingOnly: quality.verdict === 'unusable' && quality.unusableBecause.every((cause) => cause === 'leadsLost'),
    },
    pacing: { assessed: pacing.assessed, paced: pacing.paced, spikes: pacing.spikeTimesSec.length, pacedBeatFraction: pacing.pacedBeatFraction, reason: pacing.reason },
    // Which limb leads were computed beside a lead of the file's own naming, worded once (as `ecg measure` says it): the figures beside it were measured on the computed one.
    caveats: { ...caveats, ...leadsCaveat(record.leads) },
    statements: statements.map((st) => ({ ...st, evidence: st.evidence.map((e) => ({ ...e })) })),
    device: record.deviceMeasurements ? compareWithDevice(m, record.deviceMeasurements) : null,
    correction: stored && correction ? correctionView(stored, correction, program ?? m) : null,
  };
}

/**
 * A lead's row in the viewer's quality table. A lead left out of the median beat for too few beats
 * recorded in full in it passes every signal check (its missing stretches are under the fifth that
 * makes a lead missing), yet none of its figures is measured: its row said "signal quality OK"
 * while only the cautions said it was left out. It is flagged with why.
 */
export function qualityRow(lead: string, q: LeadQuality, leftOut: ShortLeads | undefined): LeadQualityReport {
  const descriptions = q.issues.map((issue) => issueText[issue]);
  const k = leftOut?.names.indexOf(lead) ?? -1;
  if (!leftOut || k < 0) return { lead, ok: q.ok, issues: [...q.issues], descriptions };
  const why = `left out of the median beat: missing for stretches at most beats (${leftOut.beats[k] ?? 0} of ${leftOut.of} recorded in full)`;
  return { lead, ok: false, issues: [...q.issues], descriptions: [...descriptions, why], leftOut: why };
}

function correctionView(stored: StoredCorrection, c: CorrectionApplied, m: EcgMeasurements): CorrectionView {
  const f = c.automatic.fiducials;
  return {
    ...stored,
    applied: c.applied,
    ...(c.notApplied ? { notApplied: c.notApplied } : {}),
    program: { heartRateBpm: m.heartRateBpm, prMs: m.prMs, qrsMs: m.qrsMs, qtMs: m.qtMs, qtcMs: { ...m.qtcMs }, axisDeg: { ...m.axisDeg } },
    automaticFiducials: f ? fiducialIndices(f) : null,
    beatEdits: c.beats ?? { added: 0, removed: 0, unmatched: 0 },
  };
}

type Field = DeviceComparison['rows'][number]['field'];

/**
 * How far apart two programs' figures may be before the viewer highlights them. IEC
 * 60601-2-25 (2011) accepts a mean bias of 10 ms with a 10 ms SD for PR and QRS and 25 ms
 * with a 30 ms SD for QT against the CSE reference, so two sound programs differ by up to
 * about twice those SDs on one ECG; axes and rate by what cart programs are usually compared at.
 */
export const deviceTolerance: Record<Field, { label: string; unit: string; tolerance: number }> = {
  heartRateBpm: { label: 'Heart rate', unit: 'bpm', tolerance: 5 },
  prMs: { label: 'PR', unit: 'ms', tolerance: 20 },
  qrsMs: { label: 'QRS', unit: 'ms', tolerance: 20 },
  qtMs: { label: 'QT', unit: 'ms', tolerance: 30 },
  qtcMs: { label: 'QTc', unit: 'ms', tolerance: 30 },
  pAxisDeg: { label: 'P axis', unit: '°', tolerance: 20 },
  qrsAxisDeg: { label: 'QRS axis', unit: '°', tolerance: 20 },
  tAxisDeg: { label: 'T axis', unit: '°', tolerance: 20 },
  // A mean RR 50 ms apart is the heart rate's 5 bpm near 75 bpm.
  rrMs: { label: 'RR (mean)', unit: 'ms', tolerance: 50 },
  atrialRateBpm: { label: 'Atrial rate', unit: 'bpm', tolerance: 5 },
  pDurationMs: { label: 'P duration', unit: 'ms', tolerance: 20 },
  prSegmentMs: { label: 'PR segment', unit: 'ms', tolerance: 20 },
  qtDispersionMs: { label: 'QT dispersion', unit: 'ms', tolerance: 30 },
};

type DeviceRow = DeviceComparison['rows'][number];

/**
 * Ours beside the device's, for the fields the device stated. The device's QTc is compared
 * with ours under the formula the file names; where it names none (most files: MUSE's
 * QTCorrected, aECG's MDC_ECG_TIME_PD_QTc, DICOM's "QTc Interval", Philips 1.03's meanqtc)
 * the carts' site-configured formula is unknown, so it is labelled so and held against ours
 * under every formula (qtcRow).
 */
export function compareWithDevice(m: EcgMeasurements, device: NonNullable<RecordDetail['deviceMeasurements']>): DeviceComparison {
  const ours: Record<Exclude<Field, 'qtcMs'>, number | null> = {
    heartRateBpm: m.heartRateBpm,
    prMs: m.prMs,
    qrsMs: m.qrsMs,
    qtMs: m.qtMs,
    pAxisDeg: m.axisDeg.p,
    qrsAxisDeg: m.axisDeg.qrs,
    tAxisDeg: m.axisDeg.t,
    rrMs: m.rrMs.mean,
    // We measure none of these: the device's figure is shown under its name, with nothing to hold it against.
    atrialRateBpm: null,
    pDurationMs: null,
    prSegmentMs: null,
    qtDispersionMs: null,
  };
  const rows = (Object.keys(deviceTolerance) as Field[]).flatMap((field): DeviceRow[] => {
    const theirs = device.values[field];
    if (theirs === undefined) return [];
    if (field === 'qtcMs') return [qtcRow(m.qtcMs, theirs, device.qtcFormula), ...(device.otherQtcs ?? []).map((q) => qtcRow(m.qtcMs, q.ms, q.formula, q.name))];
    const mine = ours[field];
    const raw = mine === null ? null : mine - theirs;
    // Angles wrap: −170° and +170° are 20° apart.
    const difference = raw === null ? null : field.endsWith('AxisDeg') ? ((((raw % 360) + 540) % 360) - 180) : raw;
    const { label, unit, tolerance } = deviceTolerance[field];
    return [{ field, label, unit, ours: mine, device: theirs, difference, tolerance, beyondTolerance: beyond(difference, tolerance) }];
  });
  const others = device.otherQtcs ? { otherQtcs: device.otherQtcs.map((q) => ({ ...q })) } : {};
  return { source: device.source, values: { ...device.values }, ...(device.qtcFormula ? { qtcFormula: device.qtcFormula } : {}), ...others, rows };
}

/**
 * Whether a difference is beyond tolerance, judged on the whole number the panel and `ecg measure`
 * show: 20.4 ms read "+20 (beyond ±20)", a flag the figure beside it contradicts.
 */
function beyond(difference: number | null, tolerance: number): boolean {
  return difference !== null && Math.abs(Math.round(difference)) > tolerance;
}

/**
 * The device's QTc beside ours. A named formula: ours under it, as any other field. None
 * named: ours under the formula nearest the device's figure, flagged only when every one of
 * ours is beyond tolerance (then the programs disagree whatever formula the cart used), and
 * the note says which of ours it agrees with, so a formula mismatch is not shown as a disagreement.
 */
function qtcRow(oursByFormula: Record<QtcFormula, number | null>, theirs: number, stated: QtcFormula | undefined, fileName?: string): DeviceRow {
  const { unit, tolerance } = deviceTolerance.qtcMs;
  const base = { field: 'qtcMs' as const, unit, device: theirs, tolerance };
  if (stated) {
    const mine = oursByFormula[stated];
    const difference = mine === null ? null : mine - theirs;
    const label = `QTc (${qtcFormulaName[stated]})`;
    const named = fileName ? ` as ${fileName}` : '';
    const note = `The file names the device's QTc formula (${qtcFormulaName[stated]}${named}); compared with our ${qtcFormulaName[stated]} QTc.`;
    return { ...base, label, ours: mine, difference, beyondTolerance: beyond(difference, tolerance), oursFormula: stated, note };
  }
  const label = 'QTc (formula not stated)';
  const measured = qtcFormulas.flatMap((f) => (oursByFormula[f] === null ? [] : [{ f, difference: (oursByFormula[f] as number) - theirs }]));
  const nearest = measured.reduce<(typeof measured)[number] | undefined>((best, one) => (best === undefined || Math.abs(one.difference) < Math.abs(best.difference) ? one : best), undefined);
  if (!nearest) return { ...base, label, ours: null, difference: null, beyondTolerance: false, note: "The file does not say which formula the device's QTc uses, and we have no QTc to compare it with." };
  const agrees = measured.filter((one) => !beyond(one.difference, tolerance)).map((one) => one.f);
  const note =
    agrees.length > 0
      ? `The file does not say which formula the device's QTc uses; within ±${tolerance} ms of our ${listed(agrees.map((f) => qtcFormulaName[f]))} ${wordFor(agrees.length, 'QTc')} (shown: ${qtcFormulaName[nearest.f]}, the nearest).`
      : `The file does not say which formula the device's QTc uses; beyond ±${tolerance} ms of ours under every formula (shown: ${qtcFormulaName[nearest.f]}, the nearest).`;
  return { ...base, label, ours: oursByFormula[nearest.f], difference: nearest.difference, beyondTolerance: agrees.length === 0, oursFormula: nearest.f, note };
}

function medianBeatView(beat: MedianBeat, leads: readonly string[], f: Fiducials | undefined, leftOut: { paced: number; held: number }): MedianBeatView {
  return {
    leads: [...leads],
    samples: beat.leads.map((lead) => Float32Array.from(lead)),
    pre: beat.pre,
    beatsUsed: beat.beatsUsed,
    pacedBeatsLeftOut: leftOut.paced,
    heldBeatsLeftOut: leftOut.held,
    fiducials: fiducialIndices(f),
  };
}

function fiducialIndices(f: Fiducials | undefined): MedianBeatView['fiducials'] {
  const at = (i: number | undefined) => (i === undefined ? null : i);
  return { pOnset: at(f?.pOnset), pOffset: at(f?.pOffset), qrsOnset: at(f?.qrsOnset), qrsOffset: at(f?.qrsOffset), tEnd: at(f?.tEnd) };
}

/** Measures one record (with the reader's current correction of its beats and boundaries); the engine's measures in a stoppable worker (DecodePool.measure). */
export type Measurer = (record: RecordDetail, correction?: StoredCorrection) => Promise<RecordMeasurements>;

/**
 * Stored records never change (content-addressed), so a measurement can be kept (≈0.1–0.2 s
 * per 10 s 12-lead record saved); a few are enough for flicking between records in the list.
 * Keyed by id, content hash and the reader's correction, so an id that ever pointed at other samples
 * (or a record whose boundaries a reader has corrected since) cannot hit. A
 * measurement in progress is shared by every request for the same record; a failed one is not kept.
 */
export class MeasurementCache {
  readonly #entries = new Map<string, Promise<RecordMeasurements>>();
  readonly #capacity: number;
  readonly #measure: Measurer;

  constructor(capacity = 16, measure: Measurer = (record, correction) => Promise.resolve(measureRecord(record, correction))) {
    this.#capacity = capacity;
    this.#measure = measure;
  }

  /** Measures without keeping the result: a correction not yet stored (FiducialDesk checks it before storing). */
  measureUncached(record: RecordDetail, correction: StoredCorrection): Promise<RecordMeasurements> {
    return this.#measure(record, correction);
  }

  /** Keeps measurements made outside the cache, once their correction is stored under its id. */
  put(record: RecordDetail, correction: StoredCorrection | undefined, measurements: RecordMeasurements): void {
    this.#keep(keyOf(record, correction), Promise.resolve(measurements));
  }

  get(record: RecordDetail, correction?: StoredCorrection): Promise<RecordMeasurements> {
    const key = keyOf(record, correction);
    const hit = this.#entries.get(key);
    if (hit) {
      // Re-insert so the Map's order is least-recently-used first.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const fresh = this.#measure(record, correction);
    fresh.catch(() => this.#entries.get(key) === fresh && this.#entries.delete(key));
    this.#keep(key, fresh);
    return fresh;
  }

  /** Drops every measurement of a removed record: its median beats are its samples' too. */
  forget(recordId: number): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(`${recordId}:`)) this.#entries.delete(key);
  }

  #keep(key: string, measurements: Promise<RecordMeasurements>): void {
    this.#entries.delete(key);
    this.#entries.set(key, measurements);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/** Corrections are immutable rows, so their id names the boundaries as the content hash names the samples. */
function keyOf(record: RecordDetail, correction: StoredCorrection | undefined): string {
  return `${record.id}:${record.contentHash}:${correction?.id ?? 0}`;
}
