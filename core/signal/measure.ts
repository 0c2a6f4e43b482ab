import { frontalAxis, limbLeads } from './axis';
import { delineate, type Fiducials } from './delineate';
import { cleanForMeasurement, medianBeat, type MedianBeat } from './median-beat';
import { detectQrs } from './qrs';
import { qtcAll, type QtcFormula } from './qtc';
import { assessRecord, type NamedLead, type RecordQuality } from './record-quality';
import { mean, sampleStd } from './stats';

/**
 * Global ECG measurements, as on a cardiograph's report. Intervals come from one median
 * beat per lead with global wave boundaries (earliest onset, latest offset over the leads);
 * rate and RR from every detected beat. `null` means not measurable; `reasons` says why,
 * keyed like the field ('prMs', 'axisDeg.p', …).
 */
export interface EcgMeasurements {
  readonly heartRateBpm: number | null;
  readonly rrMs: { readonly mean: number | null; readonly sd: number | null };
  readonly prMs: number | null;
  readonly qrsMs: number | null;
  readonly qtMs: number | null;
  readonly qtcMs: Readonly<Record<QtcFormula, number | null>>;
  readonly axisDeg: { readonly p: number | null; readonly qrs: number | null; readonly t: number | null };
  /** QRS sample indices at the record's rate. */
  readonly beats: number[];
  readonly reasons: Record<string, string>;
}

export interface EcgAnalysis {
  readonly measurements: EcgMeasurements;
  readonly quality: RecordQuality;
  /** The representative beat (leads in `medianLeads` order) and its wave boundaries, for display. */
  readonly medianBeat?: MedianBeat;
  readonly medianLeads: string[];
  readonly fiducials?: Fiducials;
}

/** Values outside these ranges (ms) are delineation failures, not physiology: they are withheld. */
const plausible = { prMs: [60, 450], qrsMs: [40, 250], qtMs: [200, 700] } as const;

function rrStatistics(beats: readonly number[], fs: number, reasons: Record<string, string>): { mean: number | null; sd: number | null } {
  const rr = beats.slice(1).map((b, k) => ((b - (beats[k] as number)) * 1000) / fs);
  if (rr.length === 0) {
    reasons['rrMs.mean'] = reasons.heartRateBpm = 'fewer than two beats detected';
    reasons['rrMs.sd'] = 'fewer than three beats detected';
    return { mean: null, sd: null };
  }
  if (rr.length < 2) reasons['rrMs.sd'] = 'fewer than three beats detected';
  return { mean: mean(rr), sd: rr.length >= 2 ? sampleStd(rr) : null };
}

function interval(name: keyof typeof plausible, from: number | undefined, to: number | undefined, fs: number, reasons: Record<string, string>, missing: string): number | null {
  if (from === undefined || to === undefined) {
    reasons[name] = missing;
    return null;
  }
  const ms = ((to - from) * 1000) / fs;
  const [lo, hi] = plausible[name];
  if (ms < lo || ms > hi) {
    reasons[name] = `delineation gave ${Math.round(ms)} ms, outside the plausible ${lo}–${hi} ms; not reported`;
    return null;
  }
  return ms;
}

/** Net area (mV·samples) of each lead between two median-beat indices, relative to the mean level over `baseline`. */
function netAreas(beat: MedianBeat, names: readonly string[], from: number, to: number, baseline: readonly [number, number]): Map<string, number> {
  const areas = new Map<string, number>();
  beat.leads.forEach((lead, k) => {
    let level = 0;
    for (let i = baseline[0]; i < baseline[1]; i++) level += lead[i] as number;
    level /= Math.max(1, baseline[1] - baseline[0]);
    let area = 0;
    for (let i = from; i <= to; i++) area += (lead[i] as number) - level;
    areas.set(names[k] as string, area);
  });
  return areas;
}

function axes(beat: MedianBeat, names: readonly string[], f: Fiducials, reasons: Record<string, string>): EcgMeasurements['axisDeg'] {
  const { fs } = beat;
  const w = Math.max(1, Math.round(0.01 * fs));
  const limbCount = names.filter((n) => limbLeads.includes(n)).length;
  const axisOf = (key: string, from: number | undefined, to: number | undefined, baseAt: number | undefined, why: string): number | null => {
    const field = `axisDeg.${key}`;
    if (from === undefined || to === undefined || baseAt === undefined) {
      reasons[field] = why;
      return null;
    }
    const axis = frontalAxis(netAreas(beat, names, from, to, [Math.max(0, baseAt - w), Math.max(1, baseAt)]));
    if (axis === undefined) reasons[field] = limbCount < 2 ? 'needs two usable limb leads (I, II, III, aVR, aVL, aVF)' : 'no net deflection in the limb leads';
    return axis ?? null;
  };
  const lastIndex = (beat.leads[0]?.length ?? 1) - 1;
  return {
    // The P baseline is taken 10 ms before the onset, off the wave's first slope.
    p: axisOf('p', f.pOnset, f.pOffset, f.pOnset === undefined ? undefined : Math.max(w + 1, f.pOnset - w), f.reasons.p ?? 'no P wave found'),
    qrs: axisOf('qrs', f.qrsOnset, f.qrsOffset, f.qrsOnset, f.reasons.qrs ?? 'QRS boundaries not found'),
    t: axisOf('t', f.qrsOffset, f.tEnd === undefined ? undefined : Math.min(Math.floor(f.tEnd), lastIndex), f.qrsOnset, f.reasons.t ?? 'no T wave end found'),
  };
}

const unmeasured = (reason: string): Pick<EcgMeasurements, 'prMs' | 'qrsMs' | 'qtMs' | 'axisDeg'> & { reasons: Record<string, string> } => ({
  prMs: null,
  qrsMs: null,
  qtMs: null,
  axisDeg: { p: null, qrs: null, t: null },
  reasons: { prMs: reason, qrsMs: reason, qtMs: reason, 'axisDeg.p': reason, 'axisDeg.qrs': reason, 'axisDeg.t': reason },
});

/**
 * Detects beats, assesses quality and measures a record (leads in mV, NaN = missing sample).
 * Never throws on bad signal: unmeasurable values are null with a reason.
 */
export function analyseEcg(leads: readonly NamedLead[], fs: number): EcgAnalysis {
  const detection = detectQrs(
    leads.map((l) => l.samples),
    fs,
  );
  const quality = assessRecord(leads, fs, detection);
  const reasons: Record<string, string> = {};
  const rrMs = rrStatistics(detection.beats, fs, reasons);
  const heartRateBpm = rrMs.mean === null ? null : 60000 / rrMs.mean;
  const usable = leads.filter((l) => {
    const q = quality.leads[l.name];
    return q !== undefined && !q.issues.includes('missing') && !q.issues.includes('flat');
  });
  const beat = detection.beats.length > 0 && usable.length > 0 ? medianBeat(usable.map((l) => cleanForMeasurement(l.samples, fs)), detection.beats, fs) : undefined;
  const medianLeads = usable.map((l) => l.name);
  let waves: ReturnType<typeof unmeasured>;
  let fiducials: Fiducials | undefined;
  if (!beat) {
    waves = unmeasured(detection.reason ?? (usable.length === 0 ? 'no usable lead' : 'too few complete beats for a median beat'));
  } else {
    const f = delineate(beat);
    fiducials = f;
    const r: Record<string, string> = {};
    waves = {
      prMs: interval('prMs', f.pOnset, f.qrsOnset, fs, r, f.reasons.p ?? 'no P wave found'),
      qrsMs: interval('qrsMs', f.qrsOnset, f.qrsOffset, fs, r, f.reasons.qrs ?? 'QRS boundaries not found'),
      qtMs: interval('qtMs', f.qrsOnset, f.tEnd, fs, r, f.reasons.t ?? f.reasons.qrs ?? 'no T wave end found'),
      axisDeg: axes(beat, medianLeads, f, r),
      reasons: r,
    };
  }
  Object.assign(reasons, waves.reasons);
  const qtcMs = qtcAll(waves.qtMs, rrMs.mean);
  const qtcReason = waves.qtMs === null ? 'QT not measured' : rrMs.mean === null ? 'RR not measured' : 'mean RR outside 200–3000 ms';
  for (const [k, v] of Object.entries(qtcMs)) if (v === null) reasons[`qtcMs.${k}`] = qtcReason;
  const measurements: EcgMeasurements = { heartRateBpm, rrMs, prMs: waves.prMs, qrsMs: waves.qrsMs, qtMs: waves.qtMs, qtcMs, axisDeg: waves.axisDeg, beats: detection.beats, reasons };
  return { measurements, quality, medianLeads, ...(beat ? { medianBeat: beat } : {}), ...(fiducials ? { fiducials } : {}) };
}
