import { createRequire } from 'node:module';
import { EinthovenError } from '../../errors';
import { limits } from '../limits';

/**
 * WFDB signal formats 508, 516 and 524 (WFDB 10.7): each signal file is a FLAC stream whose
 * channels are the file's signals, at 8, 16 or 24 bits per sample. Decoded with libflacjs
 * (libFLAC compiled to JavaScript; MIT, no dependencies, no install script). The library starts
 * asynchronously (~0.1 s), so every process that decodes calls `initFlac()` once at start (the
 * CLI, the engine's decoding workers, the fuzzer, tests); decoding itself is synchronous.
 */
interface FlacFrameInfo {
  readonly blocksize: number;
  readonly channels: number;
  readonly bitsPerSample: number;
}

interface LibFlac {
  isReady(): boolean;
  on(event: 'ready', listener: () => void): void;
  create_libflac_decoder(verifyMd5: boolean): number;
  init_decoder_stream(
    decoder: number,
    read: (bytes: number) => { buffer: Uint8Array; readDataLength: number; error: boolean },
    write: (channels: Uint8Array[], info: FlacFrameInfo) => void,
    error: (code: number, description: string) => void,
    metadata: (info: unknown) => void,
    ogg: boolean,
  ): number;
  FLAC__stream_decoder_process_until_end_of_stream(decoder: number): boolean;
  FLAC__stream_decoder_finish(decoder: number): boolean;
  FLAC__stream_decoder_delete(decoder: number): void;
}

export const flacFormats = { 508: 8, 516: 16, 524: 24 } as const;

let library: LibFlac | undefined;
let loading: Promise<void> | undefined;

/** Starts libFLAC once per process; resolves when it can decode. */
export function initFlac(): Promise<void> {
  loading ??= new Promise<void>((resolve) => {
    const flac = createRequire(import.meta.url)('libflacjs/dist/libflac.min.js') as LibFlac;
    const ready = () => {
      library = flac;
      resolve();
    };
    if (flac.isReady()) ready();
    else flac.on('ready', ready);
  });
  return loading;
}

/** The STREAMINFO fields that size the decode, read before anything is decoded. */
function streamInfo(name: string, bytes: Uint8Array): { channels: number; bitsPerSample: number; totalSamples: number } {
  const ascii = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < 42 || ascii !== 'fLaC' || (bytes[4]! & 0x7f) !== 0) throw new EinthovenError('E_FORMAT', `${name}: not a FLAC stream (no STREAMINFO block)`);
  const at = 8;
  const channels = ((bytes[at + 12]! >> 1) & 0x07) + 1;
  const bitsPerSample = (((bytes[at + 12]! & 0x01) << 4) | (bytes[at + 13]! >> 4)) + 1;
  const totalSamples = (bytes[at + 13]! & 0x0f) * 2 ** 32 + ((bytes[at + 14]! << 24) >>> 0) + (bytes[at + 15]! << 16) + (bytes[at + 16]! << 8) + bytes[at + 17]!;
  return { channels, bitsPerSample, totalSamples };
}

/**
 * Decodes a WFDB FLAC signal file into one Int32Array per channel (the ADC values), checking
 * the stream's bit depth against the header's format and its size against the limits before
 * decoding.
 */
export function decodeFlacSignals(name: string, bytes: Uint8Array, format: keyof typeof flacFormats, expectedChannels: number): Int32Array[] {
  if (!library) throw new EinthovenError('E_UNSUPPORTED', `${name}: the FLAC decoder was not started in this process (initFlac)`);
  const info = streamInfo(name, bytes);
  if (info.bitsPerSample !== flacFormats[format]) throw new EinthovenError('E_FORMAT', `${name}: FLAC stream of ${info.bitsPerSample}-bit samples, the header's format ${format} means ${flacFormats[format]}-bit`);
  if (info.channels !== expectedChannels) throw new EinthovenError('E_FORMAT', `${name}: FLAC stream of ${info.channels} channels for ${expectedChannels} signals in the header`);
  if (info.totalSamples * info.channels > limits.maxTotalSamples) {
    throw new EinthovenError('E_TOO_LARGE', `${name}: FLAC stream declares ${info.channels} × ${info.totalSamples} samples, over the limit of ${limits.maxTotalSamples}`);
  }
  const flac = library;
  const chunks: Int32Array[][] = Array.from({ length: info.channels }, () => []);
  const errors: string[] = [];
  let offset = 0;
  let decoded = 0;
  const decoder = flac.create_libflac_decoder(false);
  try {
    const read = (size: number) => {
      const end = Math.min(bytes.length, offset + size);
      const buffer = bytes.subarray(offset, end);
      offset = end;
      return { buffer, readDataLength: buffer.length, error: false };
    };
    const write = (channels: Uint8Array[], frame: FlacFrameInfo) => {
      decoded += frame.blocksize;
      if (decoded > info.totalSamples && info.totalSamples > 0) errors.push('more samples than STREAMINFO declares');
      channels.forEach((pcm, c) => chunks[c]?.push(pcmToInt32(pcm, frame.bitsPerSample, frame.blocksize)));
    };
    const init = flac.init_decoder_stream(decoder, read, write, (_code, description) => errors.push(description), () => undefined, false);
    if (init !== 0) throw new EinthovenError('E_FORMAT', `${name}: the FLAC decoder refused the stream (init status ${init})`);
    const ok = flac.FLAC__stream_decoder_process_until_end_of_stream(decoder);
    if (!ok || errors.length > 0) throw new EinthovenError('E_FORMAT', `${name}: corrupt FLAC stream (${errors[0] ?? 'decoding failed'})`);
    flac.FLAC__stream_decoder_finish(decoder);
  } finally {
    flac.FLAC__stream_decoder_delete(decoder);
  }
  return chunks.map((parts) => {
    const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
}

/** libflacjs hands each channel's block as little-endian bytes: int16 for 8/16-bit streams, int32 for 24-bit. */
function pcmToInt32(pcm: Uint8Array, bitsPerSample: number, blocksize: number): Int32Array {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = new Int32Array(blocksize);
  const width = bitsPerSample === 24 ? 4 : 2;
  for (let i = 0; i < blocksize && (i + 1) * width <= pcm.byteLength; i++) out[i] = width === 4 ? view.getInt32(i * 4, true) : view.getInt16(i * 2, true);
  return out;
}
