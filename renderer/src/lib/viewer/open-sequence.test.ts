import { describe, expect, it } from 'vitest';
import { OpenSequence } from './open-sequence';

describe('which request to open a record wins', () => {
  it('the app does not open a record of its own once the user has asked for one', () => {
    const s = new OpenSequence();
    const click = s.begin(false);
    expect(s.begin(true)).toBeUndefined();
    expect(click !== undefined && s.isLatest(click)).toBe(true);
  });

  it('an answer overtaken by a later request is dropped, whoever made either', () => {
    const s = new OpenSequence();
    const startup = s.begin(true) as number;
    const click = s.begin(false) as number;
    expect(s.isLatest(startup)).toBe(false);
    expect(s.isLatest(click)).toBe(true);
    const next = s.begin(false) as number;
    expect(s.isLatest(click)).toBe(false);
    expect(s.isLatest(next)).toBe(true);
  });

  it('before the user asks, the start-up choice is made and shown', () => {
    const s = new OpenSequence();
    const startup = s.begin(true);
    expect(startup !== undefined && s.isLatest(startup)).toBe(true);
  });
});
