/**
 * JSON with typed arrays, for the browser-mode HTTP bridge (Electron IPC clones typed arrays
 * natively). A Float32Array becomes {"$f32": base64}, a Uint8Array {"$u8": base64}.
 * Portable: no Buffer, no atob, so the same code runs in Node and in the page.
 */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lookup = new Uint8Array(128).fill(255);
for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;

/** Native base64 where the platform has it (browsers, Node ≥ 16): ~10× faster than the loop below, so a batch of files does not hold the page. */
const nativeBtoa: ((binary: string) => string) | undefined = (globalThis as { btoa?: (s: string) => string }).btoa;

export function bytesToBase64(bytes: Uint8Array): string {
  if (nativeBtoa) {
    const parts: string[] = [];
    for (let start = 0; start < bytes.length; start += 0x6000) {
      parts.push(nativeBtoa(String.fromCharCode(...bytes.subarray(start, Math.min(start + 0x6000, bytes.length)))));
    }
    return parts.join('');
  }
  const parts: string[] = [];
  const chunk = 3 * 4096;
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(start + chunk, bytes.length);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const a = bytes[i] as number;
      const b = i + 1 < end ? (bytes[i + 1] as number) : 0;
      const c = i + 2 < end ? (bytes[i + 2] as number) : 0;
      const n = (a << 16) | (b << 8) | c;
      s += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
      s += i + 1 < end ? alphabet[(n >> 6) & 63]! : '=';
      s += i + 2 < end ? alphabet[n & 63]! : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      const v = ch === 61 ? 0 : ch < 128 ? (lookup[ch] as number) : 255;
      if (v === 255) throw new Error(`invalid base64 character at ${i + j}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float32Array) {
      return { $f32: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    if (v instanceof Uint8Array) return { $u8: bytesToBase64(v) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && '$u8' in v && typeof v.$u8 === 'string') return base64ToBytes(v.$u8);
      if (keys.length === 1 && '$f32' in v && typeof v.$f32 === 'string') {
        const bytes = base64ToBytes(v.$f32);
        if (bytes.byteLength % 4 !== 0) throw new Error('Float32Array payload is not a multiple of 4 bytes');
        return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      }
    }
    return v;
  });
}

/**
 * Binary framing for requests that carry file bytes (an import batch): the typed arrays travel
 * as raw bytes after the JSON instead of as base64 inside it, so the page neither encodes nor
 * copies them in JavaScript (a Blob of the parts is handed to fetch as it is).
 *
 *   [u32 LE: length of the JSON in bytes][JSON, typed arrays as {"$bin":[kind, offset, length]}][bytes…]
 */
export const binaryWireType = 'application/x-einthoven-binary';

export function encodeWireBinary(value: unknown): { json: Uint8Array; parts: Uint8Array[] } {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const bytes = v instanceof Uint8Array ? v : v instanceof Float32Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined;
    if (!bytes) return v;
    parts.push(bytes);
    const ref = { $bin: [v instanceof Float32Array ? 'f32' : 'u8', offset, bytes.byteLength] };
    offset += bytes.byteLength;
    return ref;
  });
  const json = new TextEncoder().encode(text);
  const head = new Uint8Array(4 + json.byteLength);
  new DataView(head.buffer).setUint32(0, json.byteLength, true);
  head.set(json, 4);
  return { json: head, parts };
}

export function decodeWireBinary(body: Uint8Array): unknown {
  if (body.byteLength < 4) throw new Error('binary request shorter than its header');
  const jsonLength = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
  if (4 + jsonLength > body.byteLength) throw new Error('binary request header runs past the body');
  const data = body.subarray(4 + jsonLength);
  return JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + jsonLength)), (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !('$bin' in v) || Object.keys(v).length !== 1) return v;
    const [kind, offset, length] = (v as { $bin: unknown }).$bin as [unknown, unknown, unknown];
    if (!Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) < 0 || (length as number) < 0 || (offset as number) + (length as number) > data.byteLength) {
      throw new Error('binary part outside the body');
    }
    const bytes = data.slice(offset as number, (offset as number) + (length as number));
    if (kind === 'u8') return bytes;
    if (kind === 'f32' && bytes.byteLength % 4 === 0) return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
    throw new Error('unknown binary part');
  });
}
