/**
 * Dates and times as the app shows and prints them: year-month-day and a 24-hour clock, whatever
 * the workstation's locale. `toLocaleString()` printed 03/04/2026 on a US-English system and
 * 03.04.2026 on a German one, and a reading signed on 3 April read as 4 March across a border;
 * ISO 8601's order (2026-04-03 14:05) is read one way everywhere (ISO 8601-1:2019, and the
 * order HL7 and DICOM timestamps use).
 */

const two = (n: number) => String(n).padStart(2, '0');

function dateOf(t: Date): string {
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}`;
}

function clockOf(t: Date, seconds: boolean): string {
  return `${two(t.getHours())}:${two(t.getMinutes())}${seconds ? `:${two(t.getSeconds())}` : ''}`;
}

function instant(value: string | Date): Date | null {
  const t = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(t.getTime()) ? null : t;
}

/** An instant the app stored (signing, import, printing), in the workstation's time: "2026-04-03 14:05". */
export function dateTimeText(value: string | Date, options: { seconds?: boolean } = {}): string {
  const t = instant(value);
  return t ? `${dateOf(t)} ${clockOf(t, options.seconds ?? false)}` : String(value);
}

/** Only the clock for today's instants, the date too for earlier ones (the header's last check). */
export function shortDateTimeText(value: string | Date, now = new Date()): string {
  const t = instant(value);
  if (!t) return String(value);
  return dateOf(t) === dateOf(now) ? clockOf(t, false) : `${dateOf(t)} ${clockOf(t, false)}`;
}

/** The clock alone, to the second (engine notices within a session). */
export function timeText(value: string | Date): string {
  const t = instant(value);
  return t ? clockOf(t, true) : String(value);
}

/** The workstation's offset from UTC, for paper that leaves the building: "UTC+01:00". */
export function utcOffsetText(at: Date): string {
  const minutes = -at.getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * A recording's start as its file wrote it: the cart's own clock, usually without a time zone,
 * so it is shown as written rather than converted ("2024-01-02T08:15:00" → "2024-01-02 08:15:00").
 */
export function recordingTimeText(recordedAt: string): string {
  return recordedAt.replace('T', ' ');
}
