import { Zlib } from 'fflate';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixturePath } from '../../test/shared-data';

/**
 * The hostile inputs of issue 15, rebuilt from their descriptions (core/formats/reproducers.test.ts
 * decodes each in a child process and measures time and peak memory). Each writes its files
 * into `dir` and names the first one to decode.
 */
export interface Reproducer {
  readonly name: string;
  /** The file given to the reader (a WFDB header brings its signal files). */
  readonly file: string;
  /** Typed error codes accepted (a correct record is never the right outcome for these). */
  readonly codes: readonly string[];
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** A MATLAB v5 data element: tag + data padded to 8 bytes. */
function element(type: number, data: Uint8Array): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(type, 0);
  tag.writeUInt32LE(data.length, 4);
  return Buffer.concat([tag, Buffer.from(data), Buffer.alloc((8 - (data.length % 8)) % 8)]);
}

const u32 = (...v: number[]) => Buffer.from(new Uint32Array(v).buffer);
const i32 = (...v: number[]) => Buffer.from(new Int32Array(v).buffer);

/**
 * The header of a struct variable ECG{data: int32 rows × columns} whose data bytes (all zero)
 * follow; returns the bytes before the zeros and how many zero bytes complete it.
 */
function cpscStructHead(name: string, rows: number, columns: number): { head: Buffer; zeros: number } {
  const dataBytes = rows * columns * 4;
  const field = Buffer.concat([
    element(6, u32(12, 0)), // array flags: mxINT32_CLASS
    element(5, i32(rows, columns)),
    element(1, new Uint8Array(0)), // field matrices have no name
  ]);
  const dataTag = Buffer.alloc(8);
  dataTag.writeUInt32LE(5, 0); // miINT32
  dataTag.writeUInt32LE(dataBytes, 4);
  const fieldMatrixSize = field.length + 8 + dataBytes;
  const fieldTag = Buffer.alloc(8);
  fieldTag.writeUInt32LE(14, 0);
  fieldTag.writeUInt32LE(fieldMatrixSize, 4);
  const fieldNames = Buffer.alloc(8);
  fieldNames.write('data', 'latin1');
  const structBody = Buffer.concat([
    element(6, u32(2, 0)), // mxSTRUCT_CLASS
    element(5, i32(1, 1)),
    element(1, latin1(name)),
    Buffer.from([5, 0, 4, 0, 8, 0, 0, 0]), // small element: miINT32 (type 5, 4 bytes), field-name length 8
    element(1, fieldNames),
  ]);
  const matrixTag = Buffer.alloc(8);
  matrixTag.writeUInt32LE(14, 0);
  matrixTag.writeUInt32LE(structBody.length + 8 + fieldMatrixSize, 4);
  return { head: Buffer.concat([matrixTag, structBody, fieldTag, field, dataTag]), zeros: dataBytes };
}

/** zlib of `head` followed by `zeros` zero bytes, compressed in 1 MiB steps (never held whole). */
function zlibWithZeros(head: Uint8Array, zeros: number): Buffer {
  const parts: Uint8Array[] = [];
  const stream = new Zlib({ level: 1 }, (chunk) => parts.push(chunk));
  stream.push(head);
  const block = new Uint8Array(1024 * 1024);
  for (let left = zeros; left > 0; left -= block.length) stream.push(left > block.length ? block : block.subarray(0, left), left <= block.length);
  if (zeros === 0) stream.push(new Uint8Array(0), true);
  return Buffer.concat(parts);
}

function matFile(variables: { name: string; rows: number; columns: number }[]): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, reproducer', 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const elements = variables.map((v) => {
    const { head, zeros } = cpscStructHead(v.name, v.rows, v.columns);
    const compressed = zlibWithZeros(head, zeros);
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(15, 0); // miCOMPRESSED
    tag.writeUInt32LE(compressed.length, 4);
    return Buffer.concat([tag, compressed]);
  });
  return Buffer.concat([header, ...elements]);
}

/** The committed EDF fixture with one header field (at `offset`, `width` characters) replaced. */
function edfWith(edits: { offset: (ns: number) => number; width: number; value: string }[]): Buffer {
  const bytes = Buffer.from(readFileSync(fixturePath('formats', 'edf', 'synthetic.edf')));
  const ns = Number(bytes.toString('latin1', 252, 256).trim());
  for (const e of edits) bytes.write(e.value.padEnd(e.width).slice(0, e.width), e.offset(ns), 'latin1');
  return bytes;
}

/** Offset of signal i's field that starts at `fieldOffset` (×ns) with `width` characters per signal. */
const signalField = (fieldOffset: number, width: number, i: number) => (ns: number) => 256 + ns * fieldOffset + width * i;

export function writeReproducers(dir: string): Reproducer[] {
  mkdirSync(dir, { recursive: true });
  const out: Reproducer[] = [];
  const add = (name: string, file: string, bytes: Uint8Array | string, codes: string[]) => {
    writeFileSync(path.join(dir, file), bytes);
    out.push({ name, file: path.join(dir, file), codes });
  };
  // CPSC MATLAB: a ~250 KB compressed struct of 12 × 5.33 M int32 zeros (inflates to 256 MB).
  add('CPSC struct of 12 × 5.33 M int32 zeros', 'zeros.mat', matFile([{ name: 'ECG', rows: 12, columns: 5_333_333 }]), ['E_TOO_LARGE']);
  // Eight compressed variables, each inflating to 24 MiB: under the cap alone, far over it together.
  add('eight compressed variables of 24 MiB each', 'eight.mat', matFile(Array.from({ length: 8 }, (_, i) => ({ name: `V${i}`, rows: 12, columns: 524_288 }))), ['E_TOO_LARGE']);
  // CSV: a 50 MB single line, and a 10 MB one (under the file cap, over the line cap).
  add('CSV of one 50 MB line', 'line50.csv', Buffer.concat([latin1('I,II\n'), Buffer.alloc(50 * 1024 * 1024, '1,'), latin1('\n')]), ['E_TOO_LARGE']);
  add('CSV of one 10 MB line', 'line10.csv', `I,II\n${'1,'.repeat(5 * 1024 * 1024)}2\n`, ['E_TOO_LARGE']);
  // XML with one 30 MB text element (MUSE, Philips, HL7 aECG roots).
  const big = 'A'.repeat(30 * 1024 * 1024);
  add('MUSE XML with a 30 MB text element', 'muse.xml', `<?xml version="1.0"?><RestingECG><Waveform><WaveFormData>${big}</WaveFormData></Waveform></RestingECG>`, ['E_TOO_LARGE']);
  add('Philips XML with a 30 MB text element', 'philips.xml', `<?xml version="1.0"?><restingecgdata><waveforms><parsedwaveforms>${big}</parsedwaveforms></waveforms></restingecgdata>`, ['E_TOO_LARGE']);
  add('HL7 aECG with a 30 MB text element', 'aecg.xml', `<?xml version="1.0"?><AnnotatedECG xmlns="urn:hl7-org:v3"><component><digits>${big}</digits></component></AnnotatedECG>`, ['E_TOO_LARGE']);
  // EDF: record counts that are not counts, a scaling that cannot exist.
  add('EDF with 0.5 data records', 'half.edf', edfWith([{ offset: () => 236, width: 8, value: '0.5' }]), ['E_FORMAT']);
  add('EDF with 1e-300 data records', 'tiny.edf', edfWith([{ offset: () => 236, width: 8, value: '1e-300' }]), ['E_FORMAT']);
  add('EDF with digital minimum = digital maximum', 'flatscale.edf', edfWith([{ offset: signalField(120, 8, 0), width: 8, value: '100' }, { offset: signalField(128, 8, 0), width: 8, value: '100' }]), ['E_FORMAT']);
  add('EDF whose scaling overflows to infinity', 'infinite.edf', edfWith([{ offset: signalField(104, 8, 0), width: 8, value: '-1e308' }, { offset: signalField(112, 8, 0), width: 8, value: '1e308' }]), ['E_FORMAT']);
  // WFDB: fs = 1e-300; a CinC header whose fs field is empty (the sample count slides into its place).
  const mat = readFileSync(fixturePath('formats', 'wfdb', 'HR06000.mat'));
  const hea = readFileSync(fixturePath('formats', 'wfdb', 'HR06000.hea'), 'latin1');
  writeFileSync(path.join(dir, 'HR06000.mat'), mat);
  add('WFDB header with fs = 1e-300', 'tinyfs.hea', hea.replace('HR06000 12 500 5000', 'HR06000 12 1e-300 5000'), ['E_FORMAT']);
  add('CinC .mat header with an empty fs field', 'nofs.hea', hea.replace('HR06000 12 500 5000', 'HR06000 12  82500'), ['E_FORMAT']);
  return out;
}
