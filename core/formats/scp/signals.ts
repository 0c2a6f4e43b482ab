import { EinthovenError } from '../../errors';
import type { ByteReader } from '../binary';
import { huffmanDecode, type HuffmanTable } from './huffman';
import type { ScpSection } from './sections';

/** Section 5 and 6 share a layout: AVM (nV), sample interval (µs), difference order, a flag, byte counts, data. */
export interface EncodedSignals {
  readonly avmNanovolts: number;
  readonly intervalMicroseconds: number;
  readonly values: Int32Array[];
  /** Samples per lead actually present (raw data may hold fewer than declared). */
  readonly present: number[];
}

/** Undoes first or second differences in place (x[n] = d[n] + x[n−1], or + 2x[n−1] − x[n−2]). */
function undoDifferences(values: Int32Array, order: number, count: number): void {
  if (order === 1) for (let i = 1; i < count; i++) values[i] = (values[i] as number) + (values[i - 1] as number);
  else if (order === 2) for (let i = 2; i < count; i++) values[i] = (values[i] as number) + 2 * (values[i - 1] as number) - (values[i - 2] as number);
}

/**
 * Decodes section 5 or 6: per lead, Huffman (when section 2 is present) or raw int16, then
 * differences. Raw leads whose byte count is a little short (uint16 counts cannot describe
 * more than 32767 samples — Contec writes 65534 and drops the rest) keep what is there and the
 * caller marks the rest missing; data holding less than half the declared samples is truncated.
 */
export function decodeEncodedSignals(
  fileName: string,
  section: ScpSection,
  counts: readonly number[],
  tables: readonly HuffmanTable[] | undefined,
): EncodedSignals {
  const body: ByteReader = section.body;
  const what = section.id === 5 ? 'reference beat' : 'rhythm data';
  const avmNanovolts = body.u16(0, 'amplitude multiplier');
  const intervalMicroseconds = body.u16(2, 'sample interval');
  const order = body.u8(4, 'difference encoding');
  if (section.id === 6 && body.u8(5, 'bimodal flag') === 1) throw new EinthovenError('E_UNSUPPORTED', `${fileName}: SCP-ECG bimodal compression is not supported`);
  if (avmNanovolts === 0 || intervalMicroseconds === 0) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG ${what} has amplitude ${avmNanovolts} nV or interval ${intervalMicroseconds} µs`);
  if (order > 2) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG ${what} difference encoding ${order}`);
  let at = 6 + 2 * counts.length;
  const values: Int32Array[] = [];
  const present: number[] = [];
  counts.forEach((count, k) => {
    const byteCount = body.u16(6 + 2 * k, 'lead byte count');
    const data = body.slice(at, byteCount, `${what} of lead ${k + 1}`);
    at += byteCount;
    // Sizes come from the data, never from the declared count alone: a lying header cannot make us allocate.
    const n = tables ? count : Math.min(count, data.length >> 1);
    if (n < count / 2) {
      throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG ${what} of lead ${k + 1} holds ${n} of ${count} declared samples (truncated)`);
    }
    let decoded: Int32Array;
    if (tables) decoded = huffmanDecode(fileName, `${what} of lead ${k + 1}`, data, tables, count);
    else {
      decoded = new Int32Array(n);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < n; i++) decoded[i] = view.getInt16(2 * i, true);
    }
    undoDifferences(decoded, order, n);
    values.push(decoded);
    present.push(n);
  });
  return { avmNanovolts, intervalMicroseconds, values, present };
}

