import { EinthovenError } from '../errors';

/**
 * Bounds-checked little-endian reads over a byte range. Every read past the range throws
 * E_FORMAT naming the file and what was being read, so a truncated or lying file never
 * yields garbage or a RangeError.
 */
export class ByteReader {
  readonly #view: DataView;

  constructor(
    readonly fileName: string,
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  require(offset: number, need: number, what: string): void {
    if (!(Number.isInteger(offset) && offset >= 0 && need >= 0 && offset + need <= this.bytes.length)) {
      throw new EinthovenError(
        'E_FORMAT',
        `${this.fileName}: truncated ${this.what} — ${what} needs ${need} bytes at offset ${offset} of ${this.bytes.length}`,
      );
    }
  }

  u8(offset: number, what: string): number {
    this.require(offset, 1, what);
    return this.bytes[offset] as number;
  }

  u16(offset: number, what: string): number {
    this.require(offset, 2, what);
    return this.#view.getUint16(offset, true);
  }

  i16(offset: number, what: string): number {
    this.require(offset, 2, what);
    return this.#view.getInt16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.require(offset, 4, what);
    return this.#view.getUint32(offset, true);
  }

  slice(offset: number, length: number, what: string): Uint8Array {
    this.require(offset, length, what);
    return this.bytes.subarray(offset, offset + length);
  }
}
