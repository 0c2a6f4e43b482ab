import { Unzlib } from 'fflate';
import { EinthovenError } from '../errors';
import { limits } from './limits';

/** Compressed bytes fed per step; deflate expands at most ~1032×, so one step stays bounded. */
const chunkBytes = 16 * 1024;

/**
 * zlib-inflates with a hard output cap: input is fed in small chunks and decoding stops as
 * soon as the output passes the cap, so a zip bomb cannot exhaust memory.
 */
export function inflateZlib(fileName: string, data: Uint8Array, maxBytes: number = limits.maxInflatedBytes): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const stream = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new EinthovenError('E_TOO_LARGE', `${fileName}: compressed data inflates beyond ${maxBytes} bytes`);
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    for (let at = 0; at < data.length; at += chunkBytes) {
      const end = Math.min(data.length, at + chunkBytes);
      stream.push(data.subarray(at, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof EinthovenError) throw error;
    throw new EinthovenError('E_FORMAT', `${fileName}: corrupt compressed data (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!finished) throw new EinthovenError('E_FORMAT', `${fileName}: compressed data ends early`);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
