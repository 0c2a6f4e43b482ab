import type { Annotation } from '../record';

/**
 * Parses EDF+ Time-stamped Annotation Lists: `+onset[\x15duration]\x14text\x14…\x14\x00`.
 * The first TAL of each record (empty text) only timestamps the record and is skipped.
 */
export function parseTals(bytes: Uint8Array, maxAnnotations = 100_000): Annotation[] {
  const annotations: Annotation[] = [];
  const text = new TextDecoder('utf-8').decode(bytes);
  for (const tal of text.split('\x00')) {
    const parts = tal.split('\x14');
    const head = parts[0] ?? '';
    // eslint-disable-next-line no-control-regex -- EDF+ separates onset and duration with byte 0x15
    const match = /^([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?))?$/.exec(head);
    if (!match) continue;
    for (const note of parts.slice(1)) {
      if (note === '') continue;
      if (annotations.length >= maxAnnotations) return annotations;
      annotations.push({ onsetS: Number(match[1]), ...(match[2] ? { durationS: Number(match[2]) } : {}), text: note });
    }
  }
  return annotations;
}
