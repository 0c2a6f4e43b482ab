import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../../core/contract/schemas';
import { accessBadge, roleMissing } from './site-role';

const info = (access: AppInfo['access']): AppInfo => ({ name: 'Einthoven', version: '0.1.0', shell: 'browser', dataDir: '/d', researchUseOnly: true, recordCount: 0, access });
const file = '/etc/einthoven/policy.json';

describe('site roles in the UI', () => {
  it('says nothing without a policy, and names the account and its highest role under one', () => {
    const none = info({ account: 'alice', roles: ['reader', 'trainer', 'admin'], policy: { state: 'none', file } });
    expect([accessBadge(none), roleMissing(none, 'admin', 'Changing the default model')]).toEqual([null, null]);
    const trainer = info({ account: 'bob', roles: ['reader', 'trainer'], policy: { state: 'loaded', file } });
    expect(accessBadge(trainer)).toEqual({ text: 'bob · trainer', title: `Roles of account 'bob' from the site policy ${file}: reader, trainer`, invalid: false });
    expect(roleMissing(trainer, 'trainer', 'Fine-tuning')).toBeNull();
    expect(roleMissing(trainer, 'admin', 'Changing the default model')).toBe(`Changing the default model needs the admin role: the site policy ${file} does not give account 'bob' it; ask the site's IT`);
  });

  it('says when the policy could not be read, and that every account only reads', () => {
    const invalid = info({ account: 'carol', roles: ['reader'], policy: { state: 'invalid', file, error: 'not JSON' } });
    expect(accessBadge(invalid)).toMatchObject({ text: 'carol · reading only', invalid: true, title: expect.stringContaining('(not JSON)') });
    expect(roleMissing(invalid, 'trainer', 'Fine-tuning')).toMatch(/could not be read, so every account only reads/);
    expect(roleMissing(null, 'admin', 'x')).toBeNull();
  });
});
