import { describe, expect, it } from 'vitest';
import { discardDraftsAnswer, unsignedDraftsQuestion } from './unload-guard';

describe('closing the desktop window with unsigned reading drafts', () => {
  it('asks, with going back the default and the answer to Esc, and discarding a button of its own', () => {
    expect(unsignedDraftsQuestion.buttons[unsignedDraftsQuestion.defaultId]).toBe('Go back');
    expect(unsignedDraftsQuestion.cancelId).toBe(unsignedDraftsQuestion.defaultId);
    expect(unsignedDraftsQuestion.buttons[discardDraftsAnswer]).toBe('Close and discard the drafts');
    expect(unsignedDraftsQuestion.detail).toContain('closing Einthoven loses them');
  });
});
