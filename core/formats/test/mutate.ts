import { Zlib } from 'fflate';
import { crcCcitt } from '../crc';
import { detectFormat } from '../detect';
import { decodeFiles, type DecodeOutcome } from '../index';
import type { SourceFile } from '../record';

/**
 * Mutation fuzzing of the readers (used by core/formats/fuzz.test.ts and scripts/fuzz/formats.ts).
 * A case = seed files of one record + a few seeded mutations of one of them (bit flips, hostile
 * integers, truncation, splices, number tokens replaced by huge/negative/NaN text, renames…).
 * Every case must end in a record or a typed error; `classify` names anything else.
 */

/** mulberry32: small, fast, good enough to spread mutations; the seed makes every case reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, below: number) => Math.floor(rng() * below);

const hostileNumbers = ['0', '-1', '-32768', '99999999999', '1e308', 'NaN', '', '4294967296', '-2147483648', '0.0000001', '65536', '1e-320'];
const hostileWords = [0x7fffffff, 0xffffffff, 0x80000000, 0, 1, 0xffff, 0x10000, 19999];

function bitFlips(rng: Rng, b: Uint8Array): Uint8Array {
  const out = b.slice();
  for (let k = 1 + int(rng, 8); k > 0 && out.length > 0; k--) {
    const at = int(rng, out.length);
    out[at] = (out[at] as number) ^ (1 << int(rng, 8));
  }
  return out;
}

function hostileWord(rng: Rng, b: Uint8Array): Uint8Array {
  const out = b.slice();
  if (out.length < 4) return out;
  // Bias towards headers, where sizes and counts live.
  const at = int(rng, Math.min(out.length - 3, rng() < 0.7 ? 2048 : out.length - 3));
  new DataView(out.buffer).setUint32(at, pick(rng, hostileWords), rng() < 0.5);
  return out;
}

function truncate(rng: Rng, b: Uint8Array): Uint8Array {
  return b.slice(0, int(rng, b.length + 1));
}

function deleteRange(rng: Rng, b: Uint8Array): Uint8Array {
  const start = int(rng, b.length + 1);
  const end = Math.min(b.length, start + 1 + int(rng, 256));
  return new Uint8Array([...b.subarray(0, start), ...b.subarray(end)]);
}

function insertRandom(rng: Rng, b: Uint8Array): Uint8Array {
  const at = int(rng, b.length + 1);
  const junk = Uint8Array.from({ length: 1 + int(rng, 64) }, () => int(rng, 256));
  return new Uint8Array([...b.subarray(0, at), ...junk, ...b.subarray(at)]);
}

/** Replaces a number in the first 64 kB of text-like content (headers, XML attributes, CSV cells). */
function numberToken(rng: Rng, b: Uint8Array): Uint8Array {
  const head = new TextDecoder('latin1').decode(b.subarray(0, 65536));
  const matches = [...head.matchAll(/-?\d+(\.\d+)?/g)];
  if (matches.length === 0) return bitFlips(rng, b);
  const m = pick(rng, matches);
  const replacement = Uint8Array.from(pick(rng, hostileNumbers), (c) => c.charCodeAt(0));
  return new Uint8Array([...b.subarray(0, m.index), ...replacement, ...b.subarray(m.index + m[0].length)]);
}

function spliceOther(rng: Rng, b: Uint8Array, other: Uint8Array): Uint8Array {
  const at = int(rng, b.length + 1);
  return new Uint8Array([...b.subarray(0, at), ...other.subarray(int(rng, other.length + 1))]);
}

/** SCP files carry CRCs over the record and each section; re-stamping them lets mutations reach the decoders. */
export function restampScpCrcs(b: Uint8Array): Uint8Array {
  const out = b.slice();
  if (out.length < 22 || String.fromCharCode(...out.subarray(16, 22)) !== 'SCPECG') return out;
  const view = new DataView(out.buffer);
  const pointersEnd = Math.min(out.length, 6 + view.getUint32(10, true));
  for (let at = 22; at + 10 <= pointersEnd; at += 10) {
    const length = view.getUint32(at + 2, true);
    const start = view.getUint32(at + 6, true) - 1;
    if (length < 16 || start < 0 || start + length > out.length) continue;
    const crc = crcCcitt(out.subarray(start + 2, start + length));
    view.setUint16(start, crc, true);
  }
  if (pointersEnd <= out.length && pointersEnd > 8) view.setUint16(6, crcCcitt(out.subarray(8, pointersEnd)), true);
  view.setUint16(0, crcCcitt(out.subarray(2)), true);
  return out;
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Inserts text just after an XML declaration (or at the start): where a DOCTYPE or the root's content would go. */
function afterDeclaration(b: Uint8Array, insert: Uint8Array): Uint8Array {
  const head = new TextDecoder('latin1').decode(b.subarray(0, 512));
  const end = head.startsWith('<?xml') ? head.indexOf('?>') + 2 : 0;
  return concat(b.subarray(0, end), insert, b.subarray(end));
}

/** A "billion laughs" DOCTYPE: entities that expand tenfold per level (we never expand them). */
function entityBomb(b: Uint8Array): Uint8Array {
  const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
  return afterDeclaration(b, latin1(`<!DOCTYPE r [<!ENTITY l0 "lol">${levels}]>`));
}

/** 100,000 nested elements opened (and closed) around the document: a recursive parser's stack. */
function deepNest(rng: Rng, b: Uint8Array): Uint8Array {
  const depth = 10_000 + int(rng, 90_000);
  return concat(afterDeclaration(b, latin1('<a>'.repeat(depth))), latin1('</a>'.repeat(depth)));
}

let bomb: Uint8Array | undefined;
/**
 * A MATLAB miCOMPRESSED element whose few hundred KB of zlib inflate to 64 MiB (built once per
 * process; the fuzzer's workers build it before their first case, outside its time limit).
 */
export function zlibBombElement(): Uint8Array {
  if (!bomb) {
    const parts: Uint8Array[] = [];
    const z = new Zlib({ level: 1 }, (chunk) => parts.push(chunk));
    const zeros = new Uint8Array(1024 * 1024);
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, 14, true); // miMATRIX whose declared size is a lie
    new DataView(head.buffer).setUint32(4, 1024, true);
    z.push(head);
    for (let i = 0; i < 64; i++) z.push(zeros, i === 63);
    const data = concat(...parts);
    const tag = new Uint8Array(8);
    new DataView(tag.buffer).setUint32(0, 15, true);
    new DataView(tag.buffer).setUint32(4, data.length, true);
    bomb = concat(tag, data);
  }
  return bomb;
}

/** A compression bomb where a MATLAB file's variables start (other formats: at a random place). */
function compressionBomb(rng: Rng, b: Uint8Array): Uint8Array {
  const at = b.length >= 128 && new TextDecoder('latin1').decode(b.subarray(0, 10)) === 'MATLAB 5.0' ? 128 : int(rng, b.length + 1);
  return concat(b.subarray(0, at), zlibBombElement(), b.subarray(at));
}

const operators = ['bitFlips', 'hostileWord', 'truncate', 'deleteRange', 'insertRandom', 'numberToken', 'splice', 'empty', 'rename', 'entityBomb', 'deepNest', 'compressionBomb'] as const;
export type Operator = (typeof operators)[number];

export interface FuzzCase {
  readonly seed: number;
  /** The seed record's format before mutation (its first file's, by content): what the counts are grouped by. */
  readonly format: string;
  readonly files: SourceFile[];
  readonly operators: Operator[];
  /** The seed file that was mutated, and its name after the mutations (a rename may change it). */
  readonly target: string;
  readonly mutatedName: string;
}

/** Builds case `seed`: one seed record, 1–3 mutations applied to one of its files. */
export function makeCase(seed: number, records: readonly SourceFile[][]): FuzzCase {
  const rng = random(seed);
  const group = pick(rng, records);
  const index = int(rng, group.length);
  const target = group[index]!;
  let bytes = target.bytes;
  let name = target.name;
  const applied: Operator[] = [];
  for (let k = 1 + int(rng, 3); k > 0; k--) {
    const op = pick(rng, operators);
    applied.push(op);
    if (op === 'bitFlips') bytes = bitFlips(rng, bytes);
    else if (op === 'hostileWord') bytes = hostileWord(rng, bytes);
    else if (op === 'truncate') bytes = truncate(rng, bytes);
    else if (op === 'deleteRange') bytes = deleteRange(rng, bytes);
    else if (op === 'insertRandom') bytes = insertRandom(rng, bytes);
    else if (op === 'numberToken') bytes = numberToken(rng, bytes);
    else if (op === 'splice') bytes = spliceOther(rng, bytes, pick(rng, pick(rng, records)).bytes);
    else if (op === 'empty') bytes = new Uint8Array();
    else if (op === 'entityBomb') bytes = entityBomb(bytes);
    else if (op === 'deepNest') bytes = deepNest(rng, bytes);
    else if (op === 'compressionBomb') bytes = compressionBomb(rng, bytes);
    else name = name.replace(/\.[^./]*$/, '') + pick(rng, ['.dat', '.xml', '.hea', '.bin', '.csv', '']);
  }
  if (rng() < 0.7) bytes = restampScpCrcs(bytes);
  const files = group.map((f, i) => (i === index ? { name, bytes } : f));
  const primary = group.find((f) => detectFormat(f.bytes) === 'wfdb-header') ?? group[0]!;
  const format = detectFormat(primary.bytes)?.replace('wfdb-header', 'wfdb') ?? 'unknown';
  return { seed, format, files, operators: applied, target: target.name, mutatedName: name };
}

/** 'record', a typed error code, or `unexpected:<ErrorName>` for an untyped exception a reader let through. */
export function classify(outcomes: readonly DecodeOutcome[]): string[] {
  return outcomes.map((o) => (o.ok ? 'record' : o.unexpected ? `unexpected:${o.unexpected}` : o.error.code));
}

/**
 * Runs one case; a throw out of decodeFiles itself (which must never throw) is reported as
 * `crash`. `primary` is the outcome of the record holding the mutated file (a case's verdict);
 * `classes` lists every outcome (a mutated WFDB header may also orphan its signal files).
 */
export function runCase(c: FuzzCase): { primary: string; classes: string[]; messages: string[] } {
  try {
    const outcomes = decodeFiles(c.files, { csv: { fs: 500, units: 'mV' } });
    const classes = classify(outcomes);
    const index = Math.max(0, outcomes.findIndex((o) => o.files.includes(c.mutatedName)));
    return { primary: classes[index] ?? 'none', classes, messages: outcomes.map((o) => (o.ok ? '' : o.error.message)) };
  } catch (error) {
    return { primary: 'crash', classes: ['crash'], messages: [error instanceof Error ? `${error.name}: ${error.message}` : String(error)] };
  }
}
