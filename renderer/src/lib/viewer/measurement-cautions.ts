import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { unappliedCorrection } from './fiducial-edit';
import { pacingUnassessed } from './pacing-caution';

/** Which limit on reading the measurements a caution states: the printed page leaves out those its line says another way. */
export type MeasurementCautionKind =
  | 'intervalsWithheld'
  | 'amplitudeImplausible'
  | 'amplitudeNormalised'
  | 'leadsUnrecognised'
  | 'leadsLeftOut'
  | 'samplesHeld'
  | 'intervalsFromFlaggedLeads'
  | 'paced'
  | 'pacingUnassessed'
  | 'qtcNotInterpretable'
  | 'stNotInterpretable'
  | 'prFromBeats'
  | 'correctionUnapplied';

export interface MeasurementCaution {
  readonly kind: MeasurementCautionKind;
  /** In the measurements panel's words. */
  readonly text: string;
}

/**
 * The limits on reading the measurements, most severe first, in the words the measurements panel
 * shows: the one list the panel and the printed page both take their cautions from. Each kept its
 * own, and the page went without the leads' caution (a computed III beside the file's "III
 * (renamed)") the panel had been given.
 */
export function measurementCautions(m: RecordMeasurements): MeasurementCaution[] {
  const c = m.caveats;
  const all: [MeasurementCautionKind, string | null | undefined][] = [
    ['intervalsWithheld', c.intervalsWithheld],
    ['amplitudeImplausible', c.amplitudeImplausible],
    ['amplitudeNormalised', c.amplitudeNormalised && `Amplitudes not as recorded: ${c.amplitudeNormalised}`],
    ['leadsUnrecognised', c.leadsUnrecognised && `Leads: ${c.leadsUnrecognised}`],
    ['leadsLeftOut', c.leadsLeftOut && `Leads: ${c.leadsLeftOut}`],
    ['samplesHeld', c.samplesHeld && `Complexes cut by the recorder: ${c.samplesHeld}`],
    ['intervalsFromFlaggedLeads', c.intervalsFromFlaggedLeads && `Intervals in doubt: ${c.intervalsFromFlaggedLeads}`],
    ['paced', m.pacing.paced ? `Paced: ${m.pacing.reason}` : undefined],
    ['pacingUnassessed', pacingUnassessed(m)],
    ['qtcNotInterpretable', c.qtcNotInterpretable && `QTc not interpretable: ${c.qtcNotInterpretable}`],
    ['stNotInterpretable', c.stNotInterpretable && `ST/T not interpretable: ${c.stNotInterpretable}`],
    ['prFromBeats', c.prFromBeats],
    // A correction the current program cannot take (its median beat changed) is said, not hidden.
    ['correctionUnapplied', unappliedCorrection(m)],
  ];
  return all.flatMap(([kind, text]) => (text ? [{ kind, text }] : []));
}

/** The cautions' words, each said once (two caveats may give the same words). */
export function cautionTexts(cautions: readonly MeasurementCaution[]): string[] {
  return [...new Set(cautions.map((c) => c.text))];
}
