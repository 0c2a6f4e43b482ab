/**
 * JSON with typed arrays, for the browser-mode HTTP bridge (Electron IPC clones typed arrays
 * natively). A Float32Array becomes {"$f32": base64}, a Uint8Array {"$u8": base64}.
 * Portable: no Buffer, no atob, so the same code runs in Node and in the page.
 */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lookup = new Uint8Array(128).fill(255);
for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
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
