import type { Fiducials } from './delineate';
import type { MedianBeat } from './median-beat';

/**
 * A physician's correction of the wave boundaries on the median beat (product research: "edit
 * fiducials by hand", as ecg-kit and WAVE allow and as MUSE lets an overreader move the median
 * beat's markers). The program's boundaries are a proposal; where the reader sees the P wave
 * start earlier or the T wave end later, the PR, QRS and QT, the axes and every statement made
 * from them must follow the reader's boundaries, not the program's.
 *
 * Positions are milliseconds from the median beat's R fiducial (negative before it), not sample
 * indices: the median beat's window may change between program versions, the time from R does
 * not. A boundary left out keeps the program's; `pAbsent` says the reader sees no P wave.
 */
export const boundaryNames = ['pOnset', 'pOffset', 'qrsOnset', 'qrsOffset', 'tEnd'] as const;
export type BoundaryName = (typeof boundaryNames)[number];

export type BoundaryCorrection = { readonly [K in BoundaryName]?: number } & { readonly pAbsent?: boolean };

export type CorrectionOutcome = { readonly ok: true; readonly fiducials: Fiducials } | { readonly ok: false; readonly reason: string };

/** How people name each boundary: in refusals here, and in `ecg record`'s history of corrections. */
export const boundaryLabels: Record<BoundaryName, string> = { pOnset: 'P onset', pOffset: 'P offset', qrsOnset: 'QRS onset', qrsOffset: 'QRS offset', tEnd: 'T end' };

/** True when the correction moves nothing: the program's boundaries stand. */
export function isEmptyCorrection(c: BoundaryCorrection): boolean {
  return !c.pAbsent && boundaryNames.every((name) => c[name] === undefined);
}

/** Milliseconds from R of a median-beat index, rounded to 0.1 ms (what the viewer shows and sends back). */
export function msFromR(beat: Pick<MedianBeat, 'pre' | 'fs'>, index: number): number {
  return Math.round(((index - beat.pre) * 10000) / beat.fs) / 10;
}

/** The median-beat index nearest a time from R. */
export function indexAt(beat: Pick<MedianBeat, 'pre' | 'fs'>, ms: number): number {
  return beat.pre + Math.round((ms * beat.fs) / 1000);
}

/**
 * The program's boundaries with the reader's in their place. Refused (with the reason) when a
 * boundary falls outside the median beat or the boundaries are out of order (P onset < P offset
 * ≤ QRS onset < QRS offset < T end): intervals from such boundaries would be nonsense.
 */
export function correctedFiducials(automatic: Fiducials, beat: MedianBeat, correction: BoundaryCorrection): CorrectionOutcome {
  const length = beat.leads[0]?.length ?? 0;
  const placed: Partial<Record<BoundaryName, number>> = {};
  for (const name of boundaryNames) {
    const ms = correction[name];
    if (ms === undefined) continue;
    if (correction.pAbsent && (name === 'pOnset' || name === 'pOffset')) return { ok: false, reason: `${boundaryLabels[name]} given while the P wave is marked absent` };
    const index = indexAt(beat, ms);
    if (!Number.isFinite(ms) || index < 0 || index >= length) return { ok: false, reason: `${boundaryLabels[name]} at ${ms} ms from R lies outside the median beat (${msFromR(beat, 0)} to ${msFromR(beat, length - 1)} ms)` };
    placed[name] = index;
  }
  const reasons = { ...automatic.reasons };
  const pick = (name: BoundaryName): number | undefined => placed[name] ?? automatic[name];
  const p = correction.pAbsent ? { pOnset: undefined, pOffset: undefined } : { pOnset: pick('pOnset'), pOffset: pick('pOffset') };
  if (correction.pAbsent) reasons.p = 'P wave marked absent by the reader';
  else if (p.pOnset !== undefined) delete reasons.p;
  const qrsOnset = pick('qrsOnset');
  const fiducials: Fiducials = {
    ...p,
    qrsOnset,
    // The reader's QRS onset is where the QRS starts in every lead: the first deflection too.
    qrsFirstDeflection: placed.qrsOnset ?? automatic.qrsFirstDeflection,
    qrsOffset: pick('qrsOffset'),
    tEnd: pick('tEnd'),
    reasons,
  };
  const disorder = outOfOrder(fiducials);
  return disorder ? { ok: false, reason: disorder } : { ok: true, fiducials };
}

/** The first pair of boundaries in the wrong order, in words; undefined when all are in order. */
function outOfOrder(f: Fiducials): string | undefined {
  const order: [BoundaryName, BoundaryName, 'strict' | 'loose'][] = [
    ['pOnset', 'pOffset', 'strict'],
    ['pOffset', 'qrsOnset', 'loose'],
    ['pOnset', 'qrsOnset', 'strict'],
    ['qrsOnset', 'qrsOffset', 'strict'],
    ['qrsOffset', 'tEnd', 'strict'],
  ];
  for (const [a, b, kind] of order) {
    const x = f[a];
    const y = f[b];
    if (x === undefined || y === undefined) continue;
    if (kind === 'strict' ? x >= y : x > y) return `${boundaryLabels[a]} must come before ${boundaryLabels[b]}`;
  }
  return undefined;
}
