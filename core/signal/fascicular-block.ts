import { mv, round, type StatementEvidence } from './evidence';
import { smallWaveMv, type LeadQrs } from './morphology';

/**
 * Left anterior fascicular block by the criteria of [AHA-III] (Surawicz et al., AHA/ACCF/HRS 2009
 * Part III, Circulation 119:e235), in adults: frontal QRS axis −45° to −90°; qR in aVL; R peak
 * time in aVL ≥ 45 ms; QRS < 120 ms. Beside a complete right bundle branch block the QRS is wider
 * and the block is still stated, each block by its own name: [AHA-III] recommends against
 * "bifascicular block", whose patterns have no unique anatomic substrate. With a left bundle
 * branch block (both fascicles) or a wide QRS of no bundle branch pattern it is not stated. The
 * axis is the one the axis statements use, and the left axis deviation is stated beside it.
 * [AHA-III] adds that the criteria do not apply to congenital heart disease whose left axis
 * deviation dates from infancy: the reader, who knows the patient, judges that.
 *
 * Left posterior fascicular block is not stated: [AHA-III] grants it only once right ventricular
 * hypertrophy, a vertical heart and lateral infarction are excluded, which the tracing cannot
 * do, and its criteria (+90° to +180°, rS in I and aVL, qR in III and aVF) were met on 6 PTB-XL
 * pool records of which 3 carry the label, and on 3 LUDB records none of whose cardiologists
 * diagnosed it (docs/benchmarks.md, "measure").
 */
export interface FascicularBlockStatement {
  readonly code: 'LAFB';
  readonly text: string;
  readonly criterion: string;
  readonly evidence: StatementEvidence[];
}

export const fascicularThresholds = {
  axisDeg: [-90, -45],
  aVLRPeakTimeMs: 45,
  /** The QRS of an isolated fascicular block stays under the complete bundle branch block's 120 ms. */
  maxIsolatedQrsMs: 120,
} as const;

const f = fascicularThresholds;

/** qR: a first deflection downwards (of any size, counted from `smallWaveMv`), then a dominant R. */
const qR = (l: LeadQrs): boolean => l.initialQMv >= smallWaveMv && l.rMv > l.sMv;

/**
 * The left anterior fascicular block the median beat's QRS meets, if it does.
 * `withRightBundleBlock`: a complete right bundle branch block was stated, so a QRS of 120 ms or
 * more may carry one too.
 */
export function leftAnteriorFascicularBlock(axisDeg: number | null, qrsMs: number | null, m: ReadonlyMap<string, LeadQrs> | undefined, withRightBundleBlock: boolean): FascicularBlockStatement | undefined {
  if (axisDeg === null || qrsMs === null || !m) return undefined;
  if (qrsMs >= f.maxIsolatedQrsMs && !withRightBundleBlock) return undefined;
  const [low, high] = f.axisDeg;
  // Judged on the whole degrees the evidence shows: an axis printed −90° meets "−45° to −90°".
  const axis = round(axisDeg);
  if (axis < low || axis > high) return undefined;
  const aVL = m.get('aVL');
  const rPeakTime = aVL?.rPeakTimeMs ?? null;
  if (!aVL || !qR(aVL) || rPeakTime === null || rPeakTime < f.aVLRPeakTimeMs) return undefined;
  return {
    code: 'LAFB',
    text: `Left anterior fascicular block${withRightBundleBlock ? ' with the right bundle branch block' : ''}`,
    criterion: `QRS axis ${low}° to ${high}°, qR in aVL, R peak time in aVL ≥ ${f.aVLRPeakTimeMs} ms, ${withRightBundleBlock ? 'with a complete right bundle branch block' : `QRS under ${f.maxIsolatedQrsMs} ms`}`,
    evidence: [
      { name: 'QRS axis', value: axis, unit: '°' },
      { name: 'QRS', value: round(qrsMs), unit: 'ms' },
      { name: 'aVL q / R / S', value: `${mv(aVL.initialQMv)} / ${mv(aVL.rMv)} / ${mv(aVL.sMv)}`, unit: 'mV' },
      { name: 'R peak time aVL', value: round(rPeakTime), unit: 'ms' },
    ],
  };
}
