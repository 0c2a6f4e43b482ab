import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { runCli } from './run';
import { jsonLine, textColumn } from './text-column';

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

// Every character textColumn escapes that JSON.stringify leaves raw: DEL, C1, the line and paragraph separators, the bidirectional formatting characters.
const rawInJson = ['\x7f', ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(0x80 + c)), '\u2028', '\u2029', '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
// eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
const unprintable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('jsonLine', () => {
  it('writes DEL, C1, U+2028/9 and the bidirectional characters as \\uXXXX, and parses back to exactly the value', () => {
    const name = `Dr.${rawInJson.join('')} מטופל \\ "q" \t\x1b[31m`;
    const value = { name, [name]: [name, 1.5, null, true], nested: { classes: [`MI${'\u202e'}`] } };
    const line = jsonLine(value);
    expect(line).not.toMatch(unprintable);
    expect(JSON.parse(line)).toEqual(value);
    expect(Object.keys(JSON.parse(line) as object)).toEqual(Object.keys(value));
    expect(jsonLine('a\u009b31m\u202eb')).toBe('"a\\u009b31m\\u202eb"');
  });

  it('writes NaN and ±∞ as null, as JSON.stringify does', () => {
    expect(jsonLine({ f1: Number.NaN, bounds: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], n: 3 })).toBe('{"f1":null,"bounds":[null,null],"n":3}');
  });
});

// A source file's name with an 8-bit CSI and a right-to-left override: --json printed both raw, so the
// operator's terminal read the CSI as an escape sequence and showed the line reordered.
describe('a file name with a C1 CSI and a right-to-left override in --json output', () => {
  it.skipIf(process.platform === 'win32')('is written escaped by ecg import, list, record and audit, and parses back to the exact name', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'einthoven-json-name-'));
    const file = path.join(root, 'raw\u009b31m\u202etad.csv');
    writeFileSync(file, '-20,-25,-5\n-30,-34,-4\n-10,-12,-2\n');
    const dataDir = path.join(root, 'data');
    const run = async (args: string[]): Promise<string> => {
      const io = capture();
      expect(await runCli([...args, '--json', '--data-dir', dataDir], io)).toBe(0);
      expect(io.out).toHaveLength(1);
      expect(io.out[0]).not.toMatch(unprintable);
      expect(io.out[0]).toContain('raw\\u009b31m\\u202etad.csv');
      return io.out[0] ?? '';
    };
    expect(JSON.parse(await run(['import', file, '--fs', '250', '--units', 'uV', '--leads', 'I,II,III']))).toMatchObject({ files: [file], status: 'imported' });
    expect(JSON.parse(await run(['list']))).toMatchObject({ total: 1, items: [{ sourcePath: file }] });
    expect(JSON.parse(await run(['record', '1']))).toMatchObject({ record: { sourcePath: file } });
    expect(JSON.parse(await run(['audit']))).toMatchObject({ action: 'record.imported', details: { files: [file] } });
  });
});

// JSON.stringify handed to io.stdout or io.stderr leaves DEL, C1 and the bidirectional overrides raw: a command's JSON goes through jsonLine.
describe('the CLI commands', () => {
  it('print no JSON.stringify directly', () => {
    const folder = path.join(import.meta.dirname, 'commands');
    const printed = readdirSync(folder)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => readFileSync(path.join(folder, f), 'utf8').split('\n').filter((line) => /io\.std(out|err)\(.*JSON\.stringify/.test(line)).map((line) => `${f}: ${line.trim()}`));
    expect(printed).toEqual([]);
  });
});
