import { describe, expect, it } from 'vitest';
import { qtcFlag } from './qtc-limits';

describe('qtcFlag', () => {
  it('applies the sex-specific limits (≥ 450 ms men, ≥ 460 ms women), borderline within 25 ms of them as the statement says', () => {
    expect(qtcFlag(449, 'M').level).toBe('normal');
    expect(qtcFlag(450, 'M')).toEqual({ level: 'borderline', text: 'borderline prolonged (≥ 450 ms, male; within 25 ms of the limit)' });
    expect(qtcFlag(475, 'M').level).toBe('borderline');
    expect(qtcFlag(476, 'M')).toEqual({ level: 'prolonged', text: 'prolonged (≥ 450 ms, male)' });
    expect(qtcFlag(455, 'F').level).toBe('normal');
    expect(qtcFlag(460, 'F').text).toBe('borderline prolonged (≥ 460 ms, female; within 25 ms of the limit)');
    expect(qtcFlag(486, 'F')).toEqual({ level: 'prolonged', text: 'prolonged (≥ 460 ms, female)' });
    // The statement's band (statements.test.ts: Framingham 485 "Borderline prolonged QTc", 486 "Prolonged QTc", sex unknown).
    expect([qtcFlag(485, undefined).level, qtcFlag(486, undefined).level]).toEqual(['borderline', 'prolonged']);
  });

  it('flags a short QTc (≤ 360 ms), borderline within 25 ms of the limit, as the "Short QTc" statement does', () => {
    expect(qtcFlag(361, 'M').level).toBe('normal');
    expect(qtcFlag(355, 'F')).toEqual({ level: 'borderline', text: 'borderline short (≤ 360 ms; within 25 ms of the limit)' });
    expect(qtcFlag(334, undefined)).toEqual({ level: 'short', text: 'short (≤ 360 ms)' });
  });

  it('flags above 500 ms whatever the sex', () => {
    for (const sex of ['M', 'F', 'U', undefined] as const) expect(qtcFlag(501, sex).level).toBe('marked');
    expect(qtcFlag(500, 'F').level).toBe('prolonged');
  });

  it('without sex: prolonged over both limits, borderline between them, and says sex is unknown', () => {
    expect(qtcFlag(470, undefined).level).toBe('borderline');
    expect(qtcFlag(490, undefined).level).toBe('prolonged');
    expect(qtcFlag(452, 'U')).toMatchObject({ level: 'borderline', text: expect.stringMatching(/if male.*sex unknown/) });
    expect(qtcFlag(420, undefined).text).toMatch(/sex unknown/);
  });

  it('flags the value as displayed (rounded to whole ms), and reports a missing value', () => {
    expect(qtcFlag(449.6, 'M').level).toBe('borderline');
    expect(qtcFlag(null, 'M').level).toBe('unknown');
  });

  it('qualifies a flag over a limit with the engine’s wide-QRS caveat (the QTc statement’s words); not a QTc within its limit', () => {
    const wide = (qrsMs: number) => `QRS ${qrsMs} ms: a wide QRS lengthens QT, so QTc overstates repolarisation time`;
    expect(qtcFlag(490, 'U', wide(162))).toEqual({ level: 'prolonged', text: 'prolonged (≥ 460 ms, over the limit for either sex); QRS 162 ms: a wide QRS lengthens QT, so QTc overstates repolarisation time', wideQrs: true });
    expect(qtcFlag(460, 'U', wide(162))).toMatchObject({ level: 'borderline', wideQrs: true });
    expect(qtcFlag(340, 'M', wide(162)).wideQrs).toBeUndefined();
    expect(qtcFlag(452, 'U', wide(120))).toMatchObject({ level: 'borderline', wideQrs: true });
    expect(qtcFlag(520, 'F', wide(150)).text).toMatch(/^markedly prolonged .*; QRS 150 ms: a wide QRS/);
    expect(qtcFlag(460, 'U', undefined)).toEqual(qtcFlag(460, 'U'));
    expect(qtcFlag(430, 'M', wide(160))).toEqual({ level: 'normal', text: 'within the male limit' });
    expect(qtcFlag(460, 'F').wideQrs).toBeUndefined();
  });
});
