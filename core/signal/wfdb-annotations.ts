import { EinthovenError } from '../errors';

/** One annotation of a WFDB (MIT format) annotation file. */
export interface WfdbAnnotation {
  readonly sample: number;
  /** WFDB annotation code (1 = N, 24 = p, 27 = t, 39 = '(' onset, 40 = ')' offset, …). */
  readonly code: number;
  readonly symbol: string;
  readonly subtype: number;
  readonly chan: number;
  readonly num: number;
  readonly aux?: string;
}

/** Symbols of the standard codes 0..49 (wfdb `ann_label_table`); '' where unused. */
const symbols = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', '*', 'D', '"', '=', 'p', 'B',
  '^', 't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', ')', 'r',
];

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/**
 * Reads a WFDB annotation file in MIT format: 16-bit little-endian words, 6-bit code and
 * 10-bit time increment, with SKIP/NUM/SUB/CHN/AUX pseudo-annotations. Throws E_FORMAT on
 * truncated data.
 */
export function readWfdbAnnotations(bytes: Uint8Array, name = 'annotations'): WfdbAnnotation[] {
  const out: WfdbAnnotation[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let sample = 0;
  let chan = 0;
  let num = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new EinthovenError('E_FORMAT', `${name}: annotation file truncated at byte ${pos}`);
  };
  let pending: { code: number; sample: number; subtype: number; aux?: string } | undefined;
  const flush = () => {
    if (pending) out.push({ ...pending, symbol: symbols[pending.code] ?? '', chan, num });
    pending = undefined;
  };
  while (pos + 2 <= bytes.length) {
    const word = view.getUint16(pos, true);
    pos += 2;
    const code = word >> 10;
    const value = word & 0x3ff;
    if (code === 0 && value === 0) break;
    if (code === SKIP) {
      need(4);
      // PDP-11 order: high 16 bits first, each half little-endian.
      sample += (view.getInt16(pos, true) << 16) | view.getUint16(pos + 2, true);
      pos += 4;
    } else if (code === NUM) num = value;
    else if (code === SUB) {
      if (pending) pending.subtype = value;
    } else if (code === CHN) chan = value;
    else if (code === AUX) {
      need(value);
      if (pending) pending.aux = new TextDecoder('latin1').decode(bytes.subarray(pos, pos + value));
      pos += value + (value & 1);
    } else {
      flush();
      sample += value;
      pending = { code, sample, subtype: 0 };
    }
  }
  flush();
  return out;
}
