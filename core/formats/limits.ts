import { EinthovenError } from '../errors';

/**
 * Caps applied before any allocation sized by a value read from a file. They are far above
 * any real ECG (a 24 h Holter at 1 kHz × 12 leads is ~1 G samples, which we refuse) and keep
 * a hostile header from making us allocate gigabytes.
 */
export const limits = {
  maxLeads: 256,
  /** Samples of all leads together (×4 bytes as Float32). */
  maxTotalSamples: 64_000_000,
  maxFileBytes: 512 * 1024 * 1024,
  maxFs: 1_000_000,
  /** Text formats (XML, CSV) parse into trees or cell arrays several times their size. */
  maxTextBytes: 128 * 1024 * 1024,
  /** Decompressed bytes of one zlib/XLI stream. */
  maxInflatedBytes: 256 * 1024 * 1024,
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

/** Throws E_FORMAT unless fs is a positive finite number within the cap. */
export function checkFs(fileName: string, fs: number): void {
  if (!Number.isFinite(fs) || fs <= 0 || fs > limits.maxFs) {
    throw new EinthovenError('E_FORMAT', `${fileName}: invalid sampling rate ${fs}`);
  }
}
