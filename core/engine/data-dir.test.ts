import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('prefers the flag, then EINTHOVEN_DATA_DIR', () => {
    expect(resolveDataDir('/tmp/a', { EINTHOVEN_DATA_DIR: '/tmp/b' })).toBe(path.resolve('/tmp/a'));
    expect(resolveDataDir(undefined, { EINTHOVEN_DATA_DIR: '/tmp/b' })).toBe(path.resolve('/tmp/b'));
  });

  it('follows each OS convention otherwise', () => {
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'einthoven'));
    expect(resolveDataDir(undefined, { APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toBe(
      path.join('C:/Users/u/AppData/Roaming', 'Einthoven'),
    );
    expect(resolveDataDir(undefined, {}, 'darwin')).toMatch(/Library[\\/]Application Support[\\/]Einthoven$/);
  });
});
