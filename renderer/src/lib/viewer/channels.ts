/**
 * Which of a record's channels are ECG leads. Files from bedside monitors and polysomnography
 * store blood pressure (mmHg), plethysmogram, respiration… beside the ECG; drawn on ECG paper at
 * 10 mm/"mV" they scribble across the page. A channel is not ECG when the file says its unit is
 * not a voltage, or when its name says what it is.
 */
export interface ChannelInfo {
  readonly name: string;
  /** Set by the reader when the unit is not a voltage. */
  readonly units?: string | undefined;
}

/** Names of physiological signals that are not ECG (MIMIC, MIT-BIH polysomnography, CinC 2015, EDF montages). */
const nonEcgName = /^(abp|art|ap|bp|nbp|nibp|pap|cvp|icp|lap|rap|uap|pawp|pleth|ppg|spo2|sao2|sp02|pulse|hr|resp|rr|resp\.?\s*\w*|thor|abdo|abd|airflow|flow|nasal|co2|etco2|temp|eeg.*|emg.*|eog.*|c[34]-?a[12]|o[12]-?a[12]|sv|status|event|marker|so2|ecg\s*annotations)$/i;

/** What the reader said about a non-voltage channel in records stored before units were kept per lead. */
const unitWarning = /^(.+): units '([^']*)' are not a voltage/;

/** Non-ECG channels of a record by lead index, with the unit to draw them in ("" when the file gives none). */
export function nonEcgChannels(leads: readonly ChannelInfo[], warnings: readonly string[] = []): Map<number, string> {
  const warned = new Map<string, string>();
  for (const warning of warnings) {
    const match = unitWarning.exec(warning);
    if (match?.[1] !== undefined) warned.set(match[1].trim(), match[2] ?? '');
  }
  const out = new Map<number, string>();
  leads.forEach((lead, i) => {
    const units = lead.units ?? warned.get(lead.name);
    if (units !== undefined) out.set(i, units);
    else if (nonEcgName.test(lead.name.trim())) out.set(i, '');
  });
  return out;
}
