import { createHash } from 'node:crypto';
import type { SourceFile } from './record';

/** SHA-256 (hex) of a record's files, concatenated in the order decodeFiles lists them. */
export function filesSha256(files: readonly SourceFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.bytes);
  return hash.digest('hex');
}
