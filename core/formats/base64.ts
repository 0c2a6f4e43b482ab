/** Decodes base64 text (whitespace and line breaks allowed) into bytes. */
export function decodeBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Little-endian int16 values of a byte array (a trailing odd byte is ignored). */
export function int16LittleEndian(bytes: Uint8Array, count = Math.floor(bytes.length / 2)): Int32Array {
  const out = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}
