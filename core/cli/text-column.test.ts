import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { runCli } from './run';
import { textColumn } from './text-column';

describe('textColumn', () => {
  // Doubled, C:\Users\x\ecg.dat was shown as C:\\Users\\x\\ecg.dat, which an operator copied and could not open.
  it('prints a Windows path, and every other printable character, as itself', () => {
    expect(textColumn('C:\\Users\\x\\ecg.dat')).toBe('C:\\Users\\x\\ecg.dat');
    expect(textColumn('\\\\server\\share\\Dr Ö. Müller – ECG ≥ 65')).toBe('\\\\server\\share\\Dr Ö. Müller – ECG ≥ 65');
  });

  it('writes every control character visibly, so a name is one line that cannot recolour the terminal', () => {
    expect(textColumn('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(textColumn('site\x1b[2J\x00\x7f\x85\x9b31m\u2028\u2029')).toBe('site\\u001b[2J\\u0000\\u007f\\u0085\\u009b31m\\u2028\\u2029');
    const all = Array.from({ length: 0xa0 }, (_, c) => String.fromCharCode(c)).join('') + '\u2028\u2029';
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(textColumn(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  // Printed, U+202E turned 'ecg<U+202E>tad.exe' into what a terminal shows as 'ecgexe.dat' (Trojan Source, CVE-2021-42574).
  it('writes every bidirectional mark, embedding, override and isolate visibly, so a name cannot reorder its line', () => {
    const bidi = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of bidi) expect(textColumn(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    expect(textColumn('מטופל 12 ECG')).toBe('מטופל 12 ECG');
  });
});

describe('a file name with a right-to-left override in the text output', () => {
  it('is printed with the override escaped by ecg import, where it was printed raw', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bidi-name-'));
    writeFileSync(path.join(root, 'ecg\u202etad.exe'), 'not an ECG');
    const io = capture();
    await runCli(['import', path.join(root, 'ecg\u202etad.exe'), '--data-dir', path.join(root, 'data')], io);
    const lines = [...io.out, ...io.err];
    expect(lines.some((line) => line.includes('ecg\\u202etad.exe'))).toBe(true);
    expect(lines.some((line) => /[\u202a-\u202e]/.test(line))).toBe(false);
  });
});

describe('a Windows path in the text output', () => {
  it('is printed as typed by ecg import, where it was printed with its backslashes doubled', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-windows-name-'));
    // On Linux a backslash is a character of a file name like any other: the name a Windows path has.
    const file = path.join(root, 'C:\\Users\\x\\ecg.dat');
    writeFileSync(file, 'not an ECG');
    const io = capture();
    await runCli(['import', file, '--data-dir', path.join(root, 'data')], io);
    const lines = [...io.out, ...io.err];
    expect(lines.some((line) => line.includes('C:\\Users\\x\\ecg.dat'))).toBe(true);
    expect(lines.some((line) => line.includes('\\\\'))).toBe(false);
  });
});
