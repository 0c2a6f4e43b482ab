import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readShardIndex, shardRecords } from './shards';

const rescuers: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of rescuers.splice(0)) child.kill();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A FIFO at `file`, and a child that writes a few bytes into it a moment later: a read that opens the FIFO blocks the
 * whole thread until then, so without the check the test ends (failing on the bytes) instead of hanging for ever.
 */
function fifoAt(file: string): void {
  execFileSync('mkfifo', [file]);
  rescuers.push(spawn('sh', ['-c', 'sleep 2 && printf garbage > "$1"', 'sh', file], { stdio: 'ignore' }));
}

function shardFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-shards-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'val'));
  return dir;
}

describe.skipIf(process.platform === 'win32')('a shard folder holding a pipe where a file belongs', () => {
  it('refuses an index.json that is a FIFO, unread, as not a regular file', () => {
    const dir = shardFolder();
    fifoAt(path.join(dir, 'index.json'));
    expect(() => readShardIndex(dir)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/index\.json: not a regular file .*nothing was read from it$/) }));
  });

  it('refuses a shard that is a FIFO, unread, as not a regular file', () => {
    const dir = shardFolder();
    fifoAt(path.join(dir, 'val', 'x-00000.npy'));
    const records = shardRecords(dir, { shards: [{ x: 'val/x-00000.npy', y: 'val/y-00000.npy', n: 1 }], ids: ['1'] });
    expect(() => records.next()).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/x-00000\.npy: not a regular file .*nothing was read from it$/) }));
  });
});
