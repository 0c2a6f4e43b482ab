/** Byte → text decoding shared by the text-based readers. */
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/**
 * Decodes XML-ish text honouring a BOM (UTF-8/UTF-16 LE/BE), UTF-16 without BOM (a '<' followed
 * by a zero byte) and the declared encoding (ISO-8859-1 in GE MUSE exports); defaults to UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) return utf16le.decode(bytes.subarray(2));
  if (b0 === 0xfe && b1 === 0xff) return utf16be.decode(bytes.subarray(2));
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return utf8.decode(bytes.subarray(3));
  if (b0 === 0x3c && b1 === 0x00) return utf16le.decode(bytes);
  if (b0 === 0x00 && b1 === 0x3c) return utf16be.decode(bytes);
  const head = latin1.decode(bytes.subarray(0, 200));
  const declared = /encoding=["']([\w-]+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|latin-?1|windows-1252|cp1252|us-ascii)$/.test(declared)) return latin1.decode(bytes);
  return utf8.decode(bytes);
}
