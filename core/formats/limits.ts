import { EinthovenError } from '../errors';

/**
 * Caps applied before any allocation sized by a value read from a file, so that decoding any
 * file — hostile or not — stays within a small multiple of the largest legitimate ECG (the
 * 64 MiB of 16 M float32 samples: 12 leads × 22 min at 1 kHz, far beyond any resting ECG or
 * the minutes-long records of the corpus; 24 h Holters are refused) and within seconds.
 */
export const limits = {
  maxLeads: 256,
  /** Samples of all leads together (×4 bytes as Float32). */
  maxTotalSamples: 16_000_000,
  /** No ECG file holds more (16 M samples are 32 MB in 16-bit formats); a bigger one is refused before it is read. */
  maxFileBytes: 64 * 1024 * 1024,
  /** Physically plausible sampling rates of an ECG: below 20 Hz no QRS survives, above 20 kHz no recorder samples. */
  minFs: 20,
  maxFs: 20_000,
  /** XML formats parse into trees several times their size. */
  maxTextBytes: 32 * 1024 * 1024,
  /** CSV cells become strings (tens of bytes each): a smaller cap than XML. */
  maxCsvBytes: 16 * 1024 * 1024,
  /** One XML text node (a base64 or digit run of one lead is ~10–400 KB) or CSV line (~100 B). */
  maxTextRun: 4 * 1024 * 1024,
  maxCsvLineBytes: 1024 * 1024,
  /** A WFDB header is text of a few KB; a multi-segment master at most some hundred KB. */
  maxWfdbHeaderBytes: 1024 * 1024,
  /** Decompressed bytes of all zlib/XLI streams of one file together (not per stream). */
  maxInflatedBytes: 32 * 1024 * 1024,
} as const;

/** Throws E_TOO_LARGE unless nLeads × nSamples fits the caps. */
export function checkSignalSize(fileName: string, nLeads: number, nSamples: number): void {
  if (!Number.isInteger(nLeads) || nLeads < 0 || !Number.isInteger(nSamples) || nSamples < 0) {
    throw new EinthovenError('E_FORMAT', `${fileName}: invalid signal size ${nLeads} leads × ${nSamples} samples`);
  }
  if (nLeads > limits.maxLeads) {
    throw new EinthovenError('E_TOO_LARGE', `${fileName}: ${nLeads} signals exceed the limit of ${limits.maxLeads}`);
  }
  if (nLeads * nSamples > limits.maxTotalSamples) {
    throw new EinthovenError(
      'E_TOO_LARGE',
      `${fileName}: ${nLeads} leads × ${nSamples} samples exceed the limit of ${limits.maxTotalSamples} samples`,
    );
  }
}

/** Throws E_FORMAT when `need` bytes starting at `offset` are not all present. */
export function requireBytes(fileName: string, available: number, offset: number, need: number, what: string): void {
  if (!(offset >= 0 && need >= 0 && offset + need <= available)) {
    throw new EinthovenError(
      'E_FORMAT',
      `${fileName}: truncated — ${what} needs ${need} bytes at offset ${offset} but the file has ${available}`,
    );
  }
}

/** Throws E_FORMAT unless fs is a physically plausible ECG sampling rate (20 Hz – 20 kHz). */
export function checkFs(fileName: string, fs: number): void {
  if (!Number.isFinite(fs) || fs < limits.minFs || fs > limits.maxFs) {
    throw new EinthovenError('E_FORMAT', `${fileName}: sampling rate ${fs} Hz is impossible for an ECG (accepted: ${limits.minFs} Hz to ${limits.maxFs / 1000} kHz)`);
  }
}

/** Throws E_TOO_LARGE when the longest run of bytes without `stop` exceeds `max` (before any text is decoded). */
export function checkLongestRun(fileName: string, bytes: Uint8Array, stop: number, max: number, what: string): void {
  let start = 0;
  for (;;) {
    const at = bytes.indexOf(stop, start);
    const end = at === -1 ? bytes.length : at;
    if (end - start > max) throw new EinthovenError('E_TOO_LARGE', `${fileName}: ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} of ${end - start} bytes exceeds the ${max}-byte limit`);
    if (at === -1) return;
    start = at + 1;
  }
}

/** Throws E_FORMAT when a sample is ±Infinity: a scaling that cannot be right (NaN stays: it marks a missing sample). */
export function checkFinite(fileName: string, label: string, samples: Float32Array): void {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (v === Infinity || v === -Infinity) {
      throw new EinthovenError('E_FORMAT', `${fileName}: lead ${label} scales to infinite values (sample ${i}): the file's gain or calibration is impossible`);
    }
  }
}
