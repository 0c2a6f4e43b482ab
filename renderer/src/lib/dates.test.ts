import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dateTimeText, recordingTimeText, shortDateTimeText, timeText, utcOffsetText } from './dates';
import { groupedDigits } from './grouped-digits';

// The workstation's time zone decides the clock shown; the order of the fields must not depend on its locale.
beforeEach(() => {
  vi.stubEnv('TZ', 'Europe/Berlin');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('dates as shown and printed', () => {
  it('writes a stored instant year-month-day on a 24-hour clock in the workstation time, not in the locale order', () => {
    // 3 April: a US locale wrote 4/3/2026, a German one 3.4.2026.
    expect(dateTimeText('2026-04-03T12:05:09Z')).toBe('2026-04-03 14:05');
    expect(dateTimeText('2026-04-03T12:05:09Z', { seconds: true })).toBe('2026-04-03 14:05:09');
    expect(dateTimeText(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01 00:30');
  });

  it('gives the clock alone for today and the date too for other days', () => {
    const now = new Date('2026-04-03T20:00:00Z');
    expect(shortDateTimeText('2026-04-03T08:00:00Z', now)).toBe('10:00');
    expect(shortDateTimeText('2026-04-02T08:00:00Z', now)).toBe('2026-04-02 10:00');
    expect(timeText('2026-04-03T08:00:07Z')).toBe('10:00:07');
  });

  it("shows a recording's start as its file wrote it (the cart's clock, no zone to convert)", () => {
    expect(recordingTimeText('2024-01-02T08:15:00')).toBe('2024-01-02 08:15:00');
  });

  it('names the offset from UTC for paper, winter and summer', () => {
    expect(utcOffsetText(new Date('2026-01-15T12:00:00Z'))).toBe('UTC+01:00');
    expect(utcOffsetText(new Date('2026-07-15T12:00:00Z'))).toBe('UTC+02:00');
  });

  it('leaves a value that is not a time as it is rather than printing "Invalid Date"', () => {
    expect(dateTimeText('not a time')).toBe('not a time');
  });

  it('sets thousands apart by thin spaces, whatever the locale', () => {
    expect(groupedDigits(11176448)).toBe('11\u2009176\u2009448');
    expect(groupedDigits(999)).toBe('999');
    expect(groupedDigits(-1234)).toBe('−1\u2009234');
  });
});
