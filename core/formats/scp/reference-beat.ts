import { EinthovenError } from '../../errors';
import type { HuffmanTable } from './huffman';
import { decodeEncodedSignals, type EncodedSignals } from './signals';
import type { ScpSection } from './sections';

/** One QRS complex of section 4: beat type, and the 1-based span where the reference beat was subtracted. */
export interface QrsLocation {
  readonly type: number;
  readonly subtractStart: number;
  readonly fiducial: number;
  readonly subtractEnd: number;
}

export interface ReferenceBeatInfo {
  readonly lengthMs: number;
  /** 1-based sample of the fiducial point inside the reference beat. */
  readonly fiducial: number;
  readonly qrs: readonly QrsLocation[];
}

const maxQrs = 10_000;

/** Section 4: reference beat length and fiducial, then one 14-byte entry per QRS complex. */
export function parseQrsLocations(fileName: string, section: ScpSection): ReferenceBeatInfo {
  const body = section.body;
  const lengthMs = body.u16(0, 'reference beat length');
  const fiducial = body.u16(2, 'reference beat fiducial');
  const count = body.u16(4, 'number of QRS complexes');
  if (count > maxQrs) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG section 4 lists ${count} QRS complexes`);
  const qrs: QrsLocation[] = [];
  for (let k = 0; k < count; k++) {
    const at = 6 + 14 * k;
    qrs.push({ type: body.u16(at, 'beat type'), subtractStart: body.u32(at + 2, 'subtraction start'), fiducial: body.u32(at + 6, 'QRS fiducial'), subtractEnd: body.u32(at + 10, 'subtraction end') });
  }
  return { lengthMs, fiducial, qrs };
}

/** Sections 4 + 5: the QRS table and the decoded reference beat of every lead. */
export function decodeReferenceBeat(
  fileName: string,
  section4: ScpSection,
  section5: ScpSection,
  tables: readonly HuffmanTable[] | undefined,
  nLeads: number,
): { info: ReferenceBeatInfo; beat: EncodedSignals } {
  const info = parseQrsLocations(fileName, section4);
  const interval = section5.body.u16(2, 'reference beat sample interval');
  if (interval === 0) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG reference beat sample interval 0`);
  const beatSamples = Math.round((info.lengthMs * 1000) / interval);
  if (beatSamples < 1 || beatSamples > 100_000) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG reference beat of ${info.lengthMs} ms`);
  return { info, beat: decodeEncodedSignals(fileName, section5, new Array<number>(nLeads).fill(beatSamples), tables) };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Undoes reference-beat subtraction: the rhythm data hold residuals, and around every QRS of
 * beat type 0 the decoded reference beat (section 5) is added back, aligned on the fiducial
 * points (rhythm sample s ↔ beat sample s − fiducial + beat fiducial, both 1-based). Both are
 * brought to a common amplitude unit first; returns that unit (nV). `first` is the 1-based
 * sample number of index 0 of the rhythm arrays.
 */
export function addReferenceBeats(
  fileName: string,
  rhythm: EncodedSignals,
  reference: { info: ReferenceBeatInfo; beat: EncodedSignals } | undefined,
  first: number,
): number {
  if (!reference) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG says the reference beat was subtracted but section 4 or 5 is missing`);
  const { info, beat } = reference;
  if (beat.intervalMicroseconds !== rhythm.intervalMicroseconds) {
    throw new EinthovenError('E_UNSUPPORTED', `${fileName}: SCP-ECG reference beat sampled every ${beat.intervalMicroseconds} µs but rhythm every ${rhythm.intervalMicroseconds} µs (decimated residuals are not supported)`);
  }
  const beatSamples = beat.values[0]?.length ?? 0;
  const unit = gcd(rhythm.avmNanovolts, beat.avmNanovolts);
  const rhythmScale = rhythm.avmNanovolts / unit;
  const beatScale = beat.avmNanovolts / unit;
  rhythm.values.forEach((values, k) => {
    if (rhythmScale !== 1) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * rhythmScale;
    const referenceBeat = beat.values[k]!;
    for (const qrs of info.qrs) {
      if (qrs.type !== 0) continue;
      for (let s = Math.max(qrs.subtractStart, first); s <= qrs.subtractEnd && s - first < rhythm.present[k]!; s++) {
        const r = s - qrs.fiducial + info.fiducial;
        if (r >= 1 && r <= beatSamples) values[s - first] = (values[s - first] as number) + (referenceBeat[r - 1] as number) * beatScale;
      }
    }
  });
  return unit;
}
