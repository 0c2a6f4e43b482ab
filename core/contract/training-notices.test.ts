import { describe, expect, it } from 'vitest';
import { jobNoticeLimit, withNotice } from './training-notices';

describe('the notes and warnings a running job keeps in view', () => {
  it('keeps each note and warning once, in order, and nothing else', () => {
    const warning = "warning: this fine-tuning's closing figures will be no locked test: whether the base old trained or validated on these test records cannot be checked";
    let notices = withNotice([], 'reading 24 records');
    notices = withNotice(notices, warning);
    notices = withNotice(notices, 'head fine-tuning of old on 12 records (wasm)');
    notices = withNotice(notices, undefined);
    notices = withNotice(notices, warning);
    notices = withNotice(notices, 'note: 1 of the 8 test records … will be left out');
    expect(notices).toEqual([warning, 'note: 1 of the 8 test records … will be left out']);
  });

  it('keeps the first ones only, so a job saying many cannot grow its snapshot without bound', () => {
    let notices: readonly string[] = [];
    for (let i = 0; i < jobNoticeLimit + 5; i += 1) notices = withNotice(notices, `note: ${i}`);
    expect(notices).toHaveLength(jobNoticeLimit);
    expect(notices.at(-1)).toBe(`note: ${jobNoticeLimit - 1}`);
  });
});
