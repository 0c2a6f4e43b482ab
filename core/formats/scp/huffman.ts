import { EinthovenError } from '../../errors';
import type { ByteReader } from '../binary';

/** One code structure of an SCP-ECG Huffman table (section 2). */
export interface HuffmanCode {
  readonly prefixBits: number;
  readonly totalBits: number;
  /** 1: the code stands for a value; 0: switch to table number `baseValue`. */
  readonly modeSwitch: number;
  readonly baseValue: number;
  /** The prefix as read from the stream, first bit most significant. */
  readonly prefix: number;
}

export type HuffmanTable = readonly HuffmanCode[];

/** Section 2 writes this instead of tables when the standard's default table is used. */
export const defaultTableMarker = 19999;

/** The standard's default table (EN 1064 annex): 0 → "0", ±1…±8 in 3–10 bits, then 8- and 16-bit escapes. */
const defaultCodes: readonly (readonly [number, number, number, number])[] = [
  [1, 1, 0, 0],
  [3, 3, 1, 1],
  [3, 3, -1, 5],
  [4, 4, 2, 3],
  [4, 4, -2, 11],
  [5, 5, 3, 7],
  [5, 5, -3, 23],
  [6, 6, 4, 15],
  [6, 6, -4, 47],
  [7, 7, 5, 31],
  [7, 7, -5, 95],
  [8, 8, 6, 63],
  [8, 8, -6, 191],
  [9, 9, 7, 127],
  [9, 9, -7, 383],
  [10, 10, 8, 255],
  [10, 10, -8, 767],
  [10, 18, 0, 511],
  [10, 26, 0, 1023],
];

/**
 * The standard stores each base code least-significant bit first (the first bit on the wire is
 * bit 0). Reversing it gives the code as read MSB-first, which is how the decoder accumulates.
 */
function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out = (out << 1) | ((value >>> i) & 1);
  return out >>> 0;
}

function code(prefixBits: number, totalBits: number, modeSwitch: number, baseValue: number, baseCode: number): HuffmanCode {
  return { prefixBits, totalBits, modeSwitch, baseValue, prefix: reverseBits(baseCode, prefixBits) };
}

export const defaultHuffmanTable: HuffmanTable = defaultCodes.map(([p, t, v, c]) => code(p, t, 1, v, c));

const maxTables = 256;
const maxCodesPerTable = 4096;

/** Parses section 2 (after its 16-byte header): the tables, or the default table when marked so. */
export function parseHuffmanTables(reader: ByteReader, start: number): HuffmanTable[] {
  const count = reader.u16(start, 'number of Huffman tables');
  if (count === defaultTableMarker) return [defaultHuffmanTable];
  if (count === 0 || count > maxTables) throw new EinthovenError('E_FORMAT', `${reader.fileName}: SCP section 2 declares ${count} Huffman tables`);
  const tables: HuffmanTable[] = [];
  let at = start + 2;
  for (let t = 0; t < count; t++) {
    const n = reader.u16(at, 'Huffman table size');
    if (n === 0 || n > maxCodesPerTable) throw new EinthovenError('E_FORMAT', `${reader.fileName}: SCP Huffman table ${t + 1} has ${n} codes`);
    at += 2;
    const codes: HuffmanCode[] = [];
    for (let i = 0; i < n; i++, at += 9) {
      const prefixBits = reader.u8(at, 'Huffman prefix length');
      const totalBits = reader.u8(at + 1, 'Huffman code length');
      if (prefixBits < 1 || prefixBits > 32 || totalBits < prefixBits || totalBits - prefixBits > 32) {
        throw new EinthovenError('E_FORMAT', `${reader.fileName}: SCP Huffman code of ${prefixBits}/${totalBits} bits`);
      }
      codes.push(code(prefixBits, totalBits, reader.u8(at + 2, 'Huffman mode'), reader.i16(at + 3, 'Huffman base value'), reader.u32(at + 5, 'Huffman base code')));
    }
    tables.push(codes);
  }
  return tables;
}

/** Lookup by (prefix length, prefix) so decoding a value costs one map probe per bit. */
function indexTable(table: HuffmanTable): Map<number, HuffmanCode> {
  const index = new Map<number, HuffmanCode>();
  for (const c of table) index.set(c.prefixBits * 2 ** 32 + c.prefix, c);
  return index;
}

/** MSB-first bit reader over one lead's compressed bytes. */
class BitStream {
  #bit = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get exhausted(): boolean {
    return this.#bit >= this.bytes.length * 8;
  }

  read(): number {
    const byte = this.bytes[this.#bit >>> 3] as number;
    const bit = (byte >>> (7 - (this.#bit & 7))) & 1;
    this.#bit++;
    return bit;
  }

  readSigned(bits: number, onEnd: () => never): number {
    if (this.#bit + bits > this.bytes.length * 8) onEnd();
    let value = 0;
    for (let i = 0; i < bits; i++) value = value * 2 + this.read();
    return value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
  }
}

/**
 * Decodes `count` values from one lead's Huffman bit stream. Tables switch on mode-0 codes;
 * every step consumes at least one bit, so a hostile stream ends (as truncated) rather than loops.
 */
export function huffmanDecode(fileName: string, what: string, bytes: Uint8Array, tables: readonly HuffmanTable[], count: number): Int32Array {
  const indexes = tables.map(indexTable);
  const maxPrefix = Math.max(...tables.flatMap((t) => t.map((c) => c.prefixBits)));
  // Every value costs at least one bit: more declared values than bits is a lie, refused before allocating.
  if (count > bytes.length * 8) throw new EinthovenError('E_FORMAT', `${fileName}: ${what} declares ${count} samples in ${bytes.length} bytes (truncated or corrupt Huffman data)`);
  const out = new Int32Array(count);
  const stream = new BitStream(bytes);
  let n = 0;
  const truncated = (): never => {
    throw new EinthovenError('E_FORMAT', `${fileName}: ${what} ends after ${n} of ${count} samples (truncated or corrupt Huffman data)`);
  };
  let table = indexes[0]!;
  while (n < count) {
    let prefix = 0;
    let found: HuffmanCode | undefined;
    for (let length = 1; length <= maxPrefix && found === undefined; length++) {
      if (stream.exhausted) truncated();
      prefix = prefix * 2 + stream.read();
      found = table.get(length * 2 ** 32 + prefix);
    }
    if (found === undefined) throw new EinthovenError('E_FORMAT', `${fileName}: ${what} holds a bit pattern no Huffman code matches (sample ${n})`);
    if (found.modeSwitch === 0) {
      const next = indexes[found.baseValue - 1];
      if (next === undefined) throw new EinthovenError('E_FORMAT', `${fileName}: ${what} switches to Huffman table ${found.baseValue}, which does not exist`);
      table = next;
      continue;
    }
    const extra = found.totalBits - found.prefixBits;
    out[n++] = extra > 0 ? stream.readSigned(extra, truncated) : found.baseValue;
  }
  return out;
}
