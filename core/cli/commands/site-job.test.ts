import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEngine } from './models-promote';
import { recordInterrupted } from './site-job';

describe("an interrupted site job's line on stderr", () => {
  it('escapes the data folder named in the error that kept its end from being recorded', () => {
    // A data folder whose name holds an escape sequence (clear the screen) and a line break, and whose
    // database was replaced by a folder while the job ran: the open's message names that path.
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'site-job-')), 'data\u001b[2J\nforged: recorded');
    const said: string[] = [];
    cliEngine(dataDir, (line) => said.push(line)).db.close();
    const database = path.join(dataDir, 'einthoven.sqlite');
    rmSync(database);
    mkdirSync(database);

    recordInterrupted({ dataDir, channel: 'train:operating-point', kind: 'operating-point', request: { dataset: { kind: 'folder', root: '/srv/ecgs' } }, say: (line) => said.push(line) }, 'cli-1', 'SIGINT');

    const line = said.find((l) => l.startsWith('interrupted (SIGINT): its end could not be recorded now'));
    expect(line).toContain('data\\u001b[2J\\nforged: recorded/einthoven.sqlite is not a regular file');
    expect(said.join('\n')).not.toContain('\u001b');
    expect(said.join('\n')).not.toContain('\nforged');
  });
});
