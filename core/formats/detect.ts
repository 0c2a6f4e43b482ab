import { looksLikeWfdbHeader } from './wfdb/header';
import { decodeLatin1, decodeText } from './text';

/** Formats recognised by content. 'wfdb-header' starts a (possibly multi-file) WFDB record. */
export const detectedFormats = ['wfdb-header', 'mat5', 'muse-xml', 'philips-xml', 'hl7-aecg', 'dicom', 'scp-ecg', 'edf', 'csv'] as const;
export type DetectedFormat = (typeof detectedFormats)[number];

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return decodeLatin1(bytes.subarray(start, Math.min(bytes.length, start + length)));
}

function hasNulOrControl(bytes: Uint8Array, length: number): boolean {
  const end = Math.min(bytes.length, length);
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) return true;
  }
  return false;
}

function isUtf16Text(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0x3c && bytes[1] === 0) || (bytes[0] === 0 && bytes[1] === 0x3c);
}

/** Root element name of an XML document (skipping the declaration, comments and DOCTYPE). */
function xmlRoot(text: string): string | undefined {
  const match = /<([A-Za-z_][\w.:-]*)[\s>/]/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, ''));
  return match?.[1]?.replace(/^.*:/, '');
}

function detectXml(bytes: Uint8Array): DetectedFormat | undefined {
  const head = decodeText(bytes.subarray(0, 4096));
  if (!/^\s*</.test(head)) return undefined;
  const root = xmlRoot(head)?.toLowerCase();
  if (root === 'restingecg') return 'muse-xml';
  if (root === 'restingecgdata') return 'philips-xml';
  if (root === 'annotatedecg') return 'hl7-aecg';
  return undefined;
}

function isEdf(bytes: Uint8Array): boolean {
  if (bytes.length < 256 || ascii(bytes, 0, 8) !== '0       ') return false;
  return /^\s*\d+\s*$/.test(ascii(bytes, 184, 8)) && /^\s*\d+\s*$/.test(ascii(bytes, 252, 4));
}

function isScp(bytes: Uint8Array): boolean {
  // Record CRC(2) + size(4), then section 0's 16-byte header whose reserved bytes spell SCPECG.
  return bytes.length >= 22 && bytes[6 + 2] === 0 && bytes[6 + 3] === 0 && ascii(bytes, 16, 6) === 'SCPECG';
}

function isCsvText(bytes: Uint8Array): boolean {
  if (hasNulOrControl(bytes, 4096)) return false;
  const lines = ascii(bytes, 0, 4096).split(/\r?\n/).filter((l) => l.trim() !== '').slice(1, 6);
  return lines.length > 0 && lines.every((l) => /^[-+0-9.eE,;\t |"]+$/.test(l) && /[,;\t]/.test(l));
}

/** Recognises a file's format from its bytes alone (never its extension). */
export function detectFormat(bytes: Uint8Array): DetectedFormat | undefined {
  if (bytes.length >= 132 && ascii(bytes, 128, 4) === 'DICM') return 'dicom';
  if (ascii(bytes, 0, 10) === 'MATLAB 5.0') return 'mat5';
  if (isScp(bytes)) return 'scp-ecg';
  if (isEdf(bytes)) return 'edf';
  const xml = isUtf16Text(bytes) || !hasNulOrControl(bytes, 512) ? detectXml(bytes) : undefined;
  if (xml) return xml;
  // CSV first: a TAB-separated numeric table would otherwise pass as a WFDB record line.
  if (isCsvText(bytes)) return 'csv';
  if (!hasNulOrControl(bytes, 4096) && looksLikeWfdbHeader(ascii(bytes, 0, 4096))) return 'wfdb-header';
  return undefined;
}
