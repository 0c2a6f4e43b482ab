import type { DisplayFilter } from '../../../../core/contract/viewer-schemas';

/** The display filter settings a viewer offers (the engine accepts exactly these). */
export const highpassChoices = [null, 0.05, 0.5] as const;
export const lowpassChoices = [null, 40, 150] as const;
export const notchChoices = [null, 50, 60] as const;

/** Diagnostic band (AHA/ACC/HRS 2007): 0.05–150 Hz, no notch. */
export const diagnosticFilter: DisplayFilter = { highpassHz: 0.05, lowpassHz: 150, notchHz: null };
export const noFilter: DisplayFilter = { highpassHz: null, lowpassHz: null, notchHz: null };

export const isNoFilter = (f: DisplayFilter): boolean => f.highpassHz === null && f.lowpassHz === null && f.notchHz === null;

/**
 * The filter as printed on the tracing, e.g. "0.05–150 Hz · 50 Hz notch". It describes what
 * was applied, so a request the engine could not carry never shows as applied.
 */
export function filterLabel(applied: DisplayFilter): string {
  const { highpassHz: hp, lowpassHz: lp, notchHz: notch } = applied;
  let band: string;
  if (hp !== null && lp !== null) band = `${hp}–${lp} Hz`;
  else if (hp !== null) band = `${hp} Hz high-pass, no low-pass`;
  else if (lp !== null) band = `${lp} Hz low-pass, no high-pass`;
  else band = notch === null ? 'no filter (as recorded)' : 'no band filter';
  return notch === null ? band : `${band} · ${notch} Hz notch`;
}

/** Cautions a reader should see beside the label (Buendía 2012; ELI/Mortara 40 Hz notes). */
export function filterCautions(applied: DisplayFilter): string[] {
  const cautions: string[] = [];
  if (applied.highpassHz === 0.5) cautions.push('0.5 Hz high-pass can distort ST segments');
  if (applied.lowpassHz === 40) cautions.push('40 Hz low-pass can reduce QRS and pacemaker-spike amplitude');
  return cautions;
}
