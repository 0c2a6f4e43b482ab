import type { PacingResult } from './pacing';

/**
 * A QRS wider than this, on a record whose pacemaker spikes could not be looked for (sampled
 * under 250 Hz, pacing.ts), looks like a ventricular-paced one: a QRS of ventricular origin.
 * Wellens' width criterion for a ventricular origin of a wide-QRS rhythm is over 140 ms with a
 * right-bundle-branch shape and over 160 ms with a left one (Wellens HJJ, Bär FWHM, Lie KI, Am J
 * Med 1978;64:27–33); the larger is taken whatever the shape, so that few native blocks meet it.
 * At 100 Hz the QRS comes in 10 ms steps, so this means 170 ms or more. On the PTB-XL pool's 456
 * records at 100 Hz (docs/benchmarks.md, "measure"): 6 of the 452 not labelled PACE meet it (all
 * labelled bundle branch block, 170–180 ms; none measures over 180 ms), and 3 of the 4 labelled
 * PACE (00143, its duplicate 00144, and 00498, 210 ms; 00382, intermittent pacing whose conducted
 * beats are 110 ms, does not). Right-ventricular paced QRS averages about 150 ms (Spath NB et al.,
 * Open Heart 2019;6:e000962: 152 ± 23 ms septal, 154 ± 27 ms apical), so many paced records stay
 * under it: for those a note says pacing was not assessed.
 */
export const pacedLookingQrsMs = 160;

/**
 * Why a record may be ventricular paced though no spike could be seen: pacing not assessed and a
 * QRS wider than `pacedLookingQrsMs`. Undefined when pacing was assessed, or the QRS is narrower
 * or not measured. Shared by the model's scope check (no number) and the statements (no adoption).
 */
export function pacingUnseenWideQrs(pacing: PacingResult, qrsMs: number | null): string | undefined {
  if (pacing.assessed || qrsMs === null || qrsMs <= pacedLookingQrsMs) return undefined;
  return `${pacing.reason}, and the QRS is ${Math.round(qrsMs)} ms: wider than ${pacedLookingQrsMs} ms, a QRS of ventricular origin by Wellens' criterion, as a ventricular-paced one is`;
}
