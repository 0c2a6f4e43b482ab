import { crcCcitt } from '../crc';
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

const operators = ['bitFlips', 'hostileWord', 'truncate', 'deleteRange', 'insertRandom', 'numberToken', 'splice', 'empty', 'rename'] as const;
export type Operator = (typeof operators)[number];

export interface FuzzCase {
  readonly seed: number;
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
    else name = name.replace(/\.[^./]*$/, '') + pick(rng, ['.dat', '.xml', '.hea', '.bin', '.csv', '']);
  }
  if (rng() < 0.7) bytes = restampScpCrcs(bytes);
  const files = group.map((f, i) => (i === index ? { name, bytes } : f));
  return { seed, files, operators: applied, target: target.name, mutatedName: name };
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
