import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleWalReplayFolders } from './wal-replay-folders';

// Root may remove any account's files: only the owner check keeps another account's folder (data-folder.test.ts covers a reader's own sweep).
describe.runIf(process.getuid?.() === 0)('the sweep of replay folders, run by root', () => {
  it("removes root's own folder of a stopped process and leaves another account's", () => {
    const temporary = mkdtempSync(path.join(os.tmpdir(), 'einthoven-sweep-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const leftBy = (owner: number, hex: string) => {
      const folder = path.join(temporary, `einthoven-wal-replay-${gone}-${hex}`);
      mkdirSync(folder, { mode: 0o700 });
      writeFileSync(path.join(folder, 'einthoven.sqlite'), 'SQLite format 3\0');
      chownSync(path.join(folder, 'einthoven.sqlite'), owner, owner);
      chownSync(folder, owner, owner);
      return folder;
    };
    const own = leftBy(0, '89abcdef');
    const others = leftBy(65534, '0123abcd');
    removeStaleWalReplayFolders(temporary);
    expect(existsSync(own)).toBe(false);
    expect(existsSync(path.join(others, 'einthoven.sqlite'))).toBe(true);
  });
});
