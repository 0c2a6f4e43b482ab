import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LeadSignal } from '../signal/pipeline';
import type { PipelineConfig } from '../signal/pipeline-config';

/**
 * A key that changes when a file (path, size, mtime) or the pre-crop pipeline changes. The files
 * are taken sorted by resolved path, not in the order given: that order often comes from a
 * folder's listing, which the file system need not keep from one listing to the next, and an
 * unchanged record listed otherwise missed the cache and was decoded again. The same files count.
 */
export async function cacheKey(files: readonly string[], config: PipelineConfig): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(config));
  for (const file of files.map((f) => path.resolve(f)).sort()) {
    const info = await stat(file);
    hash.update(`${file}\0${info.size}\0${info.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** File layout: uint32 header length, JSON {fs, leads, n}, then leads × n float32 little-endian. */
export async function writeCached(dir: string, key: string, s: LeadSignal): Promise<void> {
  await mkdir(dir, { recursive: true });
  const n = s.signal[0]?.length ?? 0;
  const header = Buffer.from(JSON.stringify({ fs: s.fs, leads: s.signal.length, n }));
  const body = new Float32Array(s.signal.length * n);
  s.signal.forEach((lead, l) => body.set(lead, l * n));
  const lengthPrefix = Buffer.alloc(4);
  lengthPrefix.writeUInt32LE(header.length);
  const file = path.join(dir, `${key}.sig`);
  await writeFile(`${file}.tmp`, Buffer.concat([lengthPrefix, header, Buffer.from(body.buffer)]));
  await rename(`${file}.tmp`, file); // atomic: a crash never leaves a half-written entry
}

/** A cached signal, or undefined when absent or unreadable (then it is simply rebuilt). */
export async function readCached(dir: string, key: string): Promise<LeadSignal | undefined> {
  return parseCached(await readFile(path.join(dir, `${key}.sig`)).catch(() => undefined));
}

/** The same, synchronously: the disk-backed store reads one record per training sample. */
export function readCachedSync(dir: string, key: string): LeadSignal | undefined {
  try {
    return parseCached(readFileSync(path.join(dir, `${key}.sig`)));
  } catch {
    return undefined;
  }
}

function parseCached(bytes: Buffer | undefined): LeadSignal | undefined {
  if (!bytes || bytes.length < 4) return undefined;
  try {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as { fs: number; leads: number; n: number };
    const start = 4 + headerLength;
    if (bytes.length !== start + header.leads * header.n * 4) return undefined;
    const body = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
    return { fs: header.fs, signal: Array.from({ length: header.leads }, (_, l) => body.slice(l * header.n, (l + 1) * header.n)) };
  } catch {
    return undefined;
  }
}
