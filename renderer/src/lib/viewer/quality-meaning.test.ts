import { describe, expect, it } from 'vitest';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { qualityMeaning } from './quality-meaning';

type Quality = RecordMeasurements['quality'];

const standard = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const clean = (lead: string) => ({ lead, ok: true, issues: [], descriptions: [] });

/**
 * The quality measureRecord gives PTB-XL 00001 with 4.00–5.50 s missing in every lead
 * (core/signal/measure.test.ts 'says in the quality summary how long and where …'): every lead
 * passes its checks, and the record is degraded as a whole.
 */
const gapOnly: Quality = { verdict: 'degraded', reasons: ['1.50 s missing in every lead (4.00–5.50 s)'], leads: standard.map(clean), leadsMissingOnly: false };

describe('qualityMeaning', () => {
  it('does not point at flagged cells when the record is degraded with no lead flagged (a stretch missing in every lead)', () => {
    const shown = qualityMeaning(gapOnly);
    expect(shown.badge).toBe('Signal quality: degraded');
    expect(shown.meaning).toBe('readable, with issues listed under Why; no recorded lead is flagged');
  });

  it('says the same of QRS complexes cut by the recorder, and of a lead the record lacks (not counted as flagged)', () => {
    const cut: Quality = { ...gapOnly, reasons: ['7 of 14 QRS complexes cut by the recorder (every lead held, then jumped)'] };
    expect(qualityMeaning(cut).meaning).toBe('readable, with issues listed under Why; no recorded lead is flagged');
    const lacksV6: Quality = { ...gapOnly, reasons: ['V6: missing'], leads: [...standard.slice(0, 11).map(clean), { lead: 'V6', ok: false, issues: ['missing'], descriptions: ['missing'] }] };
    expect(qualityMeaning(lacksV6).meaning).toBe('readable, with issues listed under Why; no recorded lead is flagged');
  });

  it('points at the flagged cells, and counts them, when a recorded lead has an issue', () => {
    const flat: Quality = { ...gapOnly, reasons: ['V6: flat (no signal)'], leads: [...standard.slice(0, 11).map(clean), { lead: 'V6', ok: false, issues: ['flat'], descriptions: ['flat (no signal)'] }] };
    expect(qualityMeaning(flat)).toEqual({ badge: 'Signal quality: degraded', tone: 'degraded', meaning: 'readable, with issues (leads with one are flagged in their cells) · 1 of 12 recorded leads flagged' });
  });

  it('names the leads left out of the median beat on a record whose signal checks all passed (core/engine/record-measurements.test.ts, PTB-XL 00001)', () => {
    const why = 'left out of the median beat: missing for stretches at most beats (1 of 9 recorded in full)';
    const leftOut = (lead: string) => ({ lead, ok: false, issues: [], descriptions: [why], leftOut: why });
    const lacksV1toV3: Quality = { verdict: 'good', reasons: [], leads: standard.map((l) => (['V1', 'V2', 'V3'].includes(l) ? leftOut(l) : clean(l))), leadsMissingOnly: false };
    expect(qualityMeaning(lacksV1toV3)).toEqual({
      badge: 'Signal quality: good',
      tone: 'good',
      meaning: 'every lead passed the signal checks; V1, V2 and V3 left out of the median beat (why in their cells) · 3 of 12 recorded leads flagged',
    });
  });

  it('says every lead passed on a clean record, and names a record unusable only for want of leads so', () => {
    expect(qualityMeaning({ verdict: 'good', reasons: [], leads: standard.map(clean) })).toEqual({ badge: 'Signal quality: good', tone: 'good', meaning: 'every lead passed every check' });
    const twoLeads: Quality = { verdict: 'unusable', reasons: ['10 of 12 leads missing or flat (III, …)'], leads: [clean('I'), clean('II')], leadsMissingOnly: true };
    expect(qualityMeaning(twoLeads)).toMatchObject({ badge: 'Leads missing', tone: 'leads-missing', meaning: expect.stringMatching(/^too few of the 12 leads for the AI model/) });
  });
});
