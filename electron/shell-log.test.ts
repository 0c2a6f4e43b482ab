import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openShellLog, shellLog } from './shell-log';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('shellLog: the log for IT in the data folder', () => {
  it('writes one dated line per event, its version and process, into logs/einthoven.log (the folder made)', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
    const log = shellLog(dataDir, '9.9.9');
    log('engine started');
    log('engine failed to start:\nE_DB: cannot open');
    const lines = readFileSync(path.join(dataDir, 'logs', 'einthoven.log'), 'utf8').split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z v9\\.9\\.9 pid ${process.pid}: engine started$`));
    // A message of several lines stays one line of the log.
    expect(lines[1]).toMatch(/: engine failed to start: E_DB: cannot open$/);
    expect(lines[2]).toBe('');
  });

  it('keeps the file under its limit by moving it to einthoven.log.1, the one before', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
    const log = shellLog(dataDir, '1.0.0', 200);
    for (let i = 0; i < 8; i++) log(`line ${i}`);
    const current = readFileSync(path.join(dataDir, 'logs', 'einthoven.log'), 'utf8');
    const before = readFileSync(path.join(dataDir, 'logs', 'einthoven.log.1'), 'utf8');
    expect(current.length).toBeLessThanOrEqual(200 + 80);
    expect(`${before}${current}`).toContain('line 7');
    expect(current).toContain('line 7');
  });

  it.runIf(process.platform !== 'win32')('makes logs/ and the log owner-only, whatever the umask; the group\'s too in a data folder IT shares with it', () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
      shellLog(dataDir, '1.0.0')('engine started');
      expect(modeOf(path.join(dataDir, 'logs'))).toBe(0o700);
      expect(modeOf(path.join(dataDir, 'logs', 'einthoven.log'))).toBe(0o600);
      const shared = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
      chmodSync(shared, 0o2770);
      shellLog(shared, '1.0.0')('engine started');
      expect(modeOf(path.join(shared, 'logs'))).toBe(0o770);
      expect(modeOf(path.join(shared, 'logs', 'einthoven.log'))).toBe(0o660);
    } finally {
      process.umask(previous);
    }
  });

  it.runIf(process.platform !== 'win32')('on opening a data folder an earlier version left open (0755, 0644), tightens it before the engine starts and says so in the log once', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'einthoven.sqlite'), 'x');
    chmodSync(path.join(dataDir, 'einthoven.sqlite'), 0o644);
    mkdirSync(path.join(dataDir, 'logs'));
    chmodSync(path.join(dataDir, 'logs'), 0o755);
    writeFileSync(path.join(dataDir, 'logs', 'einthoven.log'), 'an earlier version\'s line\n');
    chmodSync(path.join(dataDir, 'logs', 'einthoven.log'), 0o644);
    openShellLog(dataDir, '9.9.9')('engine started');
    expect([dataDir, path.join(dataDir, 'logs')].map(modeOf)).toEqual([0o700, 0o700]);
    expect([path.join(dataDir, 'einthoven.sqlite'), path.join(dataDir, 'logs', 'einthoven.log')].map(modeOf)).toEqual([0o600, 0o600]);
    openShellLog(dataDir, '9.9.9')('engine started');
    const lines = readFileSync(path.join(dataDir, 'logs', 'einthoven.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /: tightened 4 permissions in the data folder .* that an earlier version left open to other accounts: \. 0755 → 0700, einthoven\.sqlite 0644 → 0600, logs 0755 → 0700, logs\/einthoven\.log 0644 → 0600$/,
    );
    expect(lines.slice(2).map((l) => l.replace(/^.*: /, ''))).toEqual(['engine started', 'engine started']);
  });

  it('never throws: a log that cannot be written leaves the app running', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-log-'));
    writeFileSync(path.join(dataDir, 'logs'), 'a file where the folder should be');
    expect(() => shellLog(dataDir, '1.0.0')('engine started')).not.toThrow();
  });
});
