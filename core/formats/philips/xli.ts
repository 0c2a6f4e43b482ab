import { EinthovenError } from '../../errors';

/**
 * Philips XLI waveform compression, as described publicly by the sierra-ecg-tools project
 * (MIT; written anew here). The stream is one chunk per lead:
 *   8-byte header: int32 LE compressed size, uint16 (unused code), int16 LE first value;
 *   LZW data with 10-bit codes, packed most-significant bit first;
 * the LZW output holds the lead's 16-bit deltas as all high bytes, then all low bytes;
 * the deltas decode with a second-order predictor seeded by the header's first value.
 */
const codeBits = 10;
/** The largest code the dictionary may hold; a code above it ends the stream. */
const maxCode = (1 << codeBits) - 2;

/**
 * LZW decoder over one chunk. The dictionary is a prefix tree (prefix code + last byte), so
 * memory stays bounded by the 1023 codes whatever the input, and output is capped by `maxOutput`.
 */
function lzwDecode(fileName: string, lead: number, chunk: Uint8Array, maxOutput: number): Uint8Array {
  const prefix = new Int32Array(maxCode + 1).fill(-1);
  const suffix = new Uint8Array(maxCode + 1);
  const first = new Uint8Array(maxCode + 1);
  const length = new Int32Array(maxCode + 1);
  for (let c = 0; c < 256; c++) {
    suffix[c] = c;
    first[c] = c;
    length[c] = 1;
  }
  let nextCode = 256;
  let previous = -1;
  // Grown by doubling up to the cap, so memory follows the data actually decoded.
  let out = new Uint8Array(Math.min(maxOutput, 65536));
  let written = 0;
  let offset = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  const fail = (why: string): never => {
    throw new EinthovenError('E_FORMAT', `${fileName}: XLI data of lead ${lead + 1} is corrupt (${why})`);
  };
  for (;;) {
    // Refill to more than 24 bits; like the reference decoder, the stream ends when it cannot.
    while (bitCount <= 24) {
      if (offset >= chunk.length) return out.slice(0, written);
      bitBuffer = (bitBuffer | ((chunk[offset++] as number) << (24 - bitCount))) >>> 0;
      bitCount += 8;
    }
    const code = bitBuffer >>> (32 - codeBits);
    bitBuffer = (bitBuffer << codeBits) >>> 0;
    bitCount -= codeBits;
    if (code > maxCode) return out.slice(0, written);
    let entry = code;
    if (code >= nextCode) {
      // The one code an LZW decoder may meet before defining it: previous string + its own first byte.
      if (code !== nextCode || previous < 0) fail(`code ${code} before it is defined`);
      entry = -1;
    }
    const entryLength = entry >= 0 ? (length[entry] as number) : (length[previous] as number) + 1;
    if (written + entryLength > maxOutput) {
      throw new EinthovenError('E_TOO_LARGE', `${fileName}: XLI data of lead ${lead + 1} decompresses beyond ${maxOutput} bytes`);
    }
    if (written + entryLength > out.length) {
      const grown = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, written + entryLength)));
      grown.set(out.subarray(0, written));
      out = grown;
    }
    const entryFirst = entry >= 0 ? (first[entry] as number) : (first[previous] as number);
    // Write the string backwards from its last byte by walking the prefix chain.
    let at = written + entryLength - 1;
    if (entry < 0) {
      out[at--] = entryFirst;
      entry = previous;
    }
    for (let c = entry; c >= 0; c = prefix[c] as number) out[at--] = suffix[c] as number;
    written += entryLength;
    if (previous >= 0 && nextCode <= maxCode) {
      prefix[nextCode] = previous;
      suffix[nextCode] = entryFirst;
      first[nextCode] = first[previous] as number;
      length[nextCode] = (length[previous] as number) + 1;
      nextCode++;
    }
    previous = code;
  }
}

const int16 = (value: number) => (value << 16) >> 16;

/** High bytes first, then low bytes → int16 deltas → samples via the second-order predictor. */
function decodeDeltas(bytes: Uint8Array, firstValue: number): Int32Array {
  const n = Math.ceil(bytes.length / 2);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = int16(((bytes[i] as number) << 8) | ((bytes[n + i] ?? 0) as number));
  if (n < 2) return values;
  let x = values[0] as number;
  let y = values[1] as number;
  let last = firstValue;
  for (let i = 2; i < n; i++) {
    const z = int16(2 * y - x - last);
    last = (values[i] as number) - 64;
    values[i] = z;
    x = y;
    y = z;
  }
  return values;
}

/**
 * Decodes every lead chunk of an XLI stream (at most `maxLeads`). `maxBytesPerLead` bounds the
 * LZW output of one lead; a chunk that claims more data than is left is reported as truncated.
 */
export function decodeXli(fileName: string, data: Uint8Array, maxLeads: number, maxBytesPerLead: number): Int32Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const leads: Int32Array[] = [];
  for (let offset = 0; offset < data.length && leads.length < maxLeads; ) {
    if (offset + 8 > data.length) throw new EinthovenError('E_FORMAT', `${fileName}: XLI chunk header of lead ${leads.length + 1} is truncated`);
    const size = view.getInt32(offset, true);
    const firstValue = view.getInt16(offset + 6, true);
    if (size < 0 || offset + 8 + size > data.length) {
      throw new EinthovenError('E_FORMAT', `${fileName}: XLI chunk of lead ${leads.length + 1} declares ${size} bytes but ${data.length - offset - 8} remain`);
    }
    const chunk = data.subarray(offset + 8, offset + 8 + size);
    leads.push(decodeDeltas(lzwDecode(fileName, leads.length, chunk, maxBytesPerLead), firstValue));
    offset += 8 + size;
  }
  return leads;
}
