import type { Fiducials } from './delineate';
import type { MedianBeat } from './median-beat';

/**
 * QRS shape of one lead on the median beat, the figures the conduction criteria of AHA/ACCF/HRS
 * 2009 (Surawicz et al., Circulation 119:e235, "Part III: intraventricular conduction
 * disturbances") are written in. Amplitudes in mV from the PR-segment level at QRS onset;
 * times in ms from QRS onset.
 */
export interface LeadQrs {
  /** Largest positive deflection (R), mV (0 when none). */
  readonly rMv: number;
  /** Largest negative deflection (Q or S), mV, as a positive number (0 when none). */
  readonly sMv: number;
  /** Peak-to-peak QRS amplitude, mV. */
  readonly peakToPeakMv: number;
  /** Mean level over the last 40 ms of the QRS, mV: the terminal force (positive in V1 and negative in I and V6 in RBBB). */
  readonly terminalMv: number;
  /** Mean level over the first 40 ms of the QRS, mV. */
  readonly initialMv: number;
  /** An initial negative deflection (q) of at least 0.1 mV before any R. */
  readonly q: boolean;
  /**
   * Depth of the initial negative deflection, mV: the lowest level before the QRS first rises
   * `smallWaveMv` above its level at the first deflection (0 when it starts upwards; the whole
   * depth of a QS), searched from the record's first deflection rather than its onset, where an
   * early lead's q has already begun (delineate.ts `qrsFirstDeflectionShare`). The small q of a
   * qR that the fascicular-block criteria ask for is often under `q`'s 0.1 mV.
   */
  readonly initialQMv: number;
  /** R peak time (intrinsicoid deflection): QRS onset to the last R peak, ms; null when the lead has no R. */
  readonly rPeakTimeMs: number | null;
  /** Positive peaks (R, R′) at least 0.1 mV separated by a dip of at least 0.1 mV: an rsR′ or notched R. */
  readonly rPeaks: number;
  /** Net QRS area, mV·ms. */
  readonly areaMvMs: number;
}

const minWaveMv = 0.1;

/**
 * The smallest deflection counted as a wave where [AHA-III] asks for one of any size (the q of a
 * qR): over seven times the largest sample noise of the median beat's aVL on the 456 PTB-XL
 * pool records (from second differences over the 40 ms before the QRS: median 0.0006 mV,
 * largest 0.0033 mV), so noise does not reach it; at 10 mm/mV it is a quarter of a millimetre.
 */
export const smallWaveMv = 0.025;

/** Shape figures per lead name between the global QRS boundaries, or undefined without them. */
export function qrsMorphology(beat: MedianBeat, leadNames: readonly string[], f: Fiducials): Map<string, LeadQrs> | undefined {
  if (f.qrsOnset === undefined || f.qrsOffset === undefined) return undefined;
  const { fs } = beat;
  const on = f.qrsOnset;
  const off = f.qrsOffset;
  const first = Math.min(f.qrsFirstDeflection ?? on, on);
  const span40 = Math.min(Math.round(0.04 * fs), Math.max(1, off - on));
  const out = new Map<string, LeadQrs>();
  beat.leads.forEach((lead, k) => {
    const name = leadNames[k];
    if (name === undefined) return;
    const base = lead[on] as number;
    const v = (i: number) => (lead[i] as number) - base;
    const fromFirstDeflection = (i: number) => (lead[i] as number) - (lead[first] as number);
    let rMv = 0;
    let sMv = 0;
    let area = 0;
    for (let i = on; i <= off; i++) {
      rMv = Math.max(rMv, v(i));
      sMv = Math.max(sMv, -v(i));
      area += v(i);
    }
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i <= to; i++) s += v(i);
      return s / Math.max(1, to - from + 1);
    };
    out.set(name, {
      rMv,
      sMv,
      peakToPeakMv: rMv + sMv,
      terminalMv: mean(off - span40, off),
      initialMv: mean(on, on + span40),
      q: initialQ(v, on, off),
      initialQMv: initialDip(fromFirstDeflection, first, off),
      rPeakTimeMs: rPeakTime(v, on, off, fs),
      rPeaks: positivePeaks(v, on, off),
      areaMvMs: (area * 1000) / fs,
    });
  });
  return out;
}

/** The QRS starts downwards by at least 0.1 mV before it first rises above the baseline. */
function initialQ(v: (i: number) => number, on: number, off: number): boolean {
  for (let i = on; i <= off; i++) {
    if (v(i) >= minWaveMv / 2) return false;
    if (v(i) <= -minWaveMv) return true;
  }
  return false;
}

/** How far the QRS falls below its level at `on` before it first rises `smallWaveMv` above it, mV. */
function initialDip(v: (i: number) => number, on: number, off: number): number {
  let lowest = 0;
  for (let i = on; i <= off && v(i) < smallWaveMv; i++) lowest = Math.min(lowest, v(i));
  return lowest < 0 ? -lowest : 0;
}

/** Local maxima above 0.1 mV, each separated from the previous by a fall of at least 0.1 mV. */
function peaksOf(v: (i: number) => number, on: number, off: number): number[] {
  const peaks: number[] = [];
  let candidate = -1;
  let low = Infinity;
  for (let i = on; i <= off; i++) {
    const x = v(i);
    if (candidate < 0) {
      if (x >= minWaveMv && (peaks.length === 0 || low <= v(peaks[peaks.length - 1] as number) - minWaveMv)) candidate = i;
      low = Math.min(low, x);
      continue;
    }
    if (x > v(candidate)) candidate = i;
    else if (x <= v(candidate) - minWaveMv) {
      peaks.push(candidate);
      candidate = -1;
      low = x;
    }
  }
  if (candidate >= 0) peaks.push(candidate);
  return peaks;
}

const positivePeaks = (v: (i: number) => number, on: number, off: number): number => peaksOf(v, on, off).length;

function rPeakTime(v: (i: number) => number, on: number, off: number, fs: number): number | null {
  const peaks = peaksOf(v, on, off);
  const last = peaks[peaks.length - 1];
  return last === undefined ? null : ((last - on) * 1000) / fs;
}
