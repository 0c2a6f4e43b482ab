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

/**
 * The first `length` bytes a zlib stream inflates to (fewer if it is shorter), without inflating
 * the rest: enough to read a size the content declares and refuse it before inflating it all.
 */
export function inflateHead(fileName: string, data: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let filled = 0;
  const enough = new Error('enough');
  const stream = new Unzlib((chunk) => {
    const take = Math.min(chunk.length, length - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
    if (filled >= length) throw enough;
  });
  try {
    for (let at = 0; at < data.length && filled < length; at += 1024) {
      const end = Math.min(data.length, at + 1024);
      stream.push(data.subarray(at, end), end === data.length);
    }
  } catch (error) {
    if (error !== enough) throw new EinthovenError('E_FORMAT', `${fileName}: corrupt compressed data (${error instanceof Error ? error.message : String(error)})`);
  }
  return out.subarray(0, filled);
}
