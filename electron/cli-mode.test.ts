import { describe, expect, it } from 'vitest';
import { cliArgsFrom } from './cli-mode';

describe('cliArgsFrom: which start of the app is the command line', () => {
  it('is not the CLI without --cli, whatever else is on the line', () => {
    expect(cliArgsFrom(['/opt/Einthoven/einthoven'])).toBeUndefined();
    expect(cliArgsFrom(['/opt/Einthoven/einthoven', '--data-dir', '/srv/ecg', '--no-sandbox'])).toBeUndefined();
  });

  it('hands the CLI everything after --cli, and nothing before it (a packaged binary, or electron . in a checkout)', () => {
    expect(cliArgsFrom(['C:\\Program Files\\Einthoven\\Einthoven.exe', '--cli', 'audit', '--verify'])).toEqual(['audit', '--verify']);
    expect(cliArgsFrom(['/repo/node_modules/electron/dist/electron', '.', '--cli', 'backup', '--check', '/mnt/b1'])).toEqual(['backup', '--check', '/mnt/b1']);
    expect(cliArgsFrom(['einthoven', '--cli'])).toEqual([]);
  });

  it('keeps a later --cli as an argument of the command, not a second switch', () => {
    expect(cliArgsFrom(['einthoven', '--cli', 'inspect', '--cli'])).toEqual(['inspect', '--cli']);
  });
});
