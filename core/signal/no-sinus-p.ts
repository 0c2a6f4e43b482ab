import type { EcgMeasurements, MeasurementCaveats } from './measure';
import type { EcgStatement } from './statements';

/**
 * Atrial fibrillation and flutter have no sinus P wave ([AF-2014]; [SVT-2015]: flutter waves),
 * and a PR interval and P axis are those of the P wave (Kligfield P et al., AHA/ACCF/HRS 2007
 * Part I, Circulation 2007;115:1306). Where the rhythm statement says either, what the P-wave
 * search found before the QRS is an atrial wave, so no PR and no P axis are reported, as where no
 * P wave is found (PTB-XL 00017). PTB-XL 00023 (flutter with 2:1 conduction) showed "PR 170 ms"
 * and "P axis −107°" as ordinary values beside a statement saying the PR is not a PR interval.
 * Done on the measurements themselves, so the CLI, the viewer's tiles and the printout agree.
 */
export function withoutSinusP(measurements: EcgMeasurements, caveats: MeasurementCaveats, statements: readonly EcgStatement[]): { measurements: EcgMeasurements; caveats: MeasurementCaveats } {
  const atrial = statements.find((s) => s.category === 'rhythm' && (s.code === 'AFIB' || s.code === 'AFLT'));
  if (!atrial || (measurements.prMs === null && measurements.axisDeg.p === null)) return { measurements, caveats };
  const why = `${atrial.text.toLowerCase()}: no sinus P wave, so no PR interval or P axis (the wave before the QRS is an atrial flutter or fibrillation wave)`;
  const { prFromBeats: _dropped, ...rest } = caveats;
  return {
    measurements: { ...measurements, prMs: null, prBeats: null, axisDeg: { ...measurements.axisDeg, p: null }, reasons: { ...measurements.reasons, prMs: why, 'axisDeg.p': why } },
    caveats: rest,
  };
}
