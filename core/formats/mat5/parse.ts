import { EinthovenError } from '../../errors';
import { inflateHead, inflateZlib } from '../inflate';
import { limits } from '../limits';

/** The subset of MATLAB v5 values the ECG readers need. */
export type MatValue =
  | { kind: 'numeric'; name: string; dims: number[]; data: Float64Array }
  | { kind: 'char'; name: string; dims: number[]; text: string }
  | { kind: 'struct'; name: string; dims: number[]; fields: Map<string, MatValue[]> }
  | { kind: 'other'; name: string; classId: number };

const miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6, miSINGLE = 7, miDOUBLE = 9;
const miINT64 = 12, miUINT64 = 13, miMATRIX = 14, miCOMPRESSED = 15, miUTF8 = 16;
const mxSTRUCT = 2, mxCHAR = 4;
const maxDepth = 16;

interface Element {
  type: number;
  data: Uint8Array;
  next: number;
}

class Reader {
  /** Decompressed bytes still allowed for this file: the cap is per file, not per variable. */
  inflateBudget: number = limits.maxInflatedBytes;

  constructor(readonly file: string, readonly little: boolean) {}

  fail(why: string): never {
    throw new EinthovenError('E_FORMAT', `${this.file}: invalid MATLAB v5 file — ${why}`);
  }

  element(bytes: Uint8Array, at: number): Element {
    if (at + 8 > bytes.length) this.fail(`element tag at ${at} runs past the end`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = view.getUint32(at, this.little);
    if (first >>> 16 !== 0) {
      // Small data element: type and size share the first word, data fits in 4 bytes.
      const size = first >>> 16;
      if (size > 4) this.fail('small element larger than 4 bytes');
      return { type: first & 0xffff, data: bytes.subarray(at + 4, at + 4 + size), next: at + 8 };
    }
    const size = view.getUint32(at + 4, this.little);
    if (at + 8 + size > bytes.length) this.fail(`element of ${size} bytes at ${at} runs past the end`);
    const padded = first === miCOMPRESSED ? size : Math.ceil(size / 8) * 8;
    return { type: first, data: bytes.subarray(at + 8, at + 8 + size), next: Math.min(bytes.length, at + 8 + padded) };
  }

  numbers(el: Element): Float64Array {
    const view = new DataView(el.data.buffer, el.data.byteOffset, el.data.byteLength);
    const widths: Record<number, number> = { [miINT8]: 1, [miUINT8]: 1, [miINT16]: 2, [miUINT16]: 2, [miINT32]: 4, [miUINT32]: 4, [miSINGLE]: 4, [miDOUBLE]: 8, [miINT64]: 8, [miUINT64]: 8, [miUTF8]: 1 };
    const width = widths[el.type];
    if (width === undefined) this.fail(`numeric data of type ${el.type}`);
    const n = Math.floor(el.data.length / width);
    if (n > limits.maxTotalSamples) throw new EinthovenError('E_TOO_LARGE', `${this.file}: array of ${n} values exceeds the limit`);
    const out = new Float64Array(n);
    const le = this.little;
    for (let i = 0; i < n; i++) {
      const p = i * width;
      switch (el.type) {
        case miINT8: out[i] = view.getInt8(p); break;
        case miUINT8: case miUTF8: out[i] = view.getUint8(p); break;
        case miINT16: out[i] = view.getInt16(p, le); break;
        case miUINT16: out[i] = view.getUint16(p, le); break;
        case miINT32: out[i] = view.getInt32(p, le); break;
        case miUINT32: out[i] = view.getUint32(p, le); break;
        case miSINGLE: out[i] = view.getFloat32(p, le); break;
        case miDOUBLE: out[i] = view.getFloat64(p, le); break;
        case miINT64: out[i] = Number(view.getBigInt64(p, le)); break;
        default: out[i] = Number(view.getBigUint64(p, le));
      }
    }
    return out;
  }

  matrix(data: Uint8Array, depth: number): MatValue {
    if (depth > maxDepth) this.fail('structs nested too deeply');
    const flags = this.element(data, 0);
    const dimsEl = this.element(data, flags.next);
    const nameEl = this.element(data, dimsEl.next);
    const classId = this.numbers(flags)[0]! % 256;
    const dims = Array.from(this.numbers(dimsEl));
    const name = new TextDecoder('latin1').decode(nameEl.data);
    const count = dims.reduce((a, b) => a * b, 1);
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) this.fail(`dimensions ${dims.join('×')}`);
    if (classId === mxSTRUCT) return this.struct(data, nameEl.next, name, dims, count, depth);
    if (classId === mxCHAR) {
      const chars = this.numbers(this.element(data, nameEl.next));
      return { kind: 'char', name, dims, text: String.fromCharCode(...chars.subarray(0, 65536)) };
    }
    if (classId >= 6 && classId <= 15) {
      const values = this.numbers(this.element(data, nameEl.next));
      if (values.length !== count) this.fail(`${name}: ${values.length} values for dimensions ${dims.join('×')}`);
      return { kind: 'numeric', name, dims, data: values };
    }
    return { kind: 'other', name, classId };
  }

  struct(data: Uint8Array, at: number, name: string, dims: number[], count: number, depth: number): MatValue {
    const lengthEl = this.element(data, at);
    const fieldLength = this.numbers(lengthEl)[0] ?? 0;
    const namesEl = this.element(data, lengthEl.next);
    if (fieldLength <= 0 || fieldLength > 64) this.fail(`struct field name length ${fieldLength}`);
    const nFields = Math.floor(namesEl.data.length / fieldLength);
    if (count * nFields > 100_000) this.fail(`struct with ${count}×${nFields} entries`);
    const names = Array.from({ length: nFields }, (_, i) =>
      new TextDecoder('latin1').decode(namesEl.data.subarray(i * fieldLength, (i + 1) * fieldLength)).replace(/\0.*$/s, ''),
    );
    const fields = new Map<string, MatValue[]>(names.map((n) => [n, []]));
    let next = namesEl.next;
    for (let e = 0; e < count; e++) {
      for (const field of names) {
        const el = this.element(data, next);
        if (el.type !== miMATRIX) this.fail(`struct field ${field} is not a matrix`);
        fields.get(field)!.push(el.data.length === 0 ? { kind: 'other', name: field, classId: 0 } : { ...this.matrix(el.data, depth + 1), name: field });
        next = el.next;
      }
    }
    return { kind: 'struct', name, dims, fields };
  }
}

/** Parses the top-level variables of a MATLAB v5 .mat file (compressed elements included). */
export function parseMat5(file: string, bytes: Uint8Array): MatValue[] {
  if (bytes.length < 128) throw new EinthovenError('E_FORMAT', `${file}: truncated MATLAB v5 header`);
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (indicator !== 'IM' && indicator !== 'MI') throw new EinthovenError('E_FORMAT', `${file}: bad MATLAB v5 endian indicator`);
  const reader = new Reader(file, indicator === 'IM');
  const elements: Element[] = [];
  for (let at = 128; at + 8 <= bytes.length; ) {
    const el = reader.element(bytes, at);
    at = el.next;
    elements.push(el);
  }
  // Every compressed variable's tag declares its inflated size: the file's total is checked
  // against the cap before anything is inflated (a few KB of zlib can declare gigabytes).
  let declaredTotal = 0;
  for (const el of elements) {
    if (el.type !== miCOMPRESSED) continue;
    const head = inflateHead(file, el.data, 8);
    declaredTotal += head.length === 8 ? new DataView(head.buffer, head.byteOffset, 8).getUint32(4, reader.little) + 8 : 0;
    if (declaredTotal > limits.maxInflatedBytes) {
      throw new EinthovenError('E_TOO_LARGE', `${file}: its compressed variables declare more than ${limits.maxInflatedBytes} bytes together (the limit for one file)`);
    }
  }
  const values: MatValue[] = [];
  for (const el of elements) {
    if (el.type === miCOMPRESSED) {
      const inner = inflateZlib(file, el.data, reader.inflateBudget);
      reader.inflateBudget -= inner.length;
      const matrix = reader.element(inner, 0);
      if (matrix.type === miMATRIX) values.push(reader.matrix(matrix.data, 0));
    } else if (el.type === miMATRIX) {
      values.push(reader.matrix(el.data, 0));
    }
  }
  return values;
}
