import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The modules a file imports for their values when it is loaded (type-only imports cost nothing at run time). */
function staticValueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1] as string);
}

describe('a worker thread at start', () => {
  // Every worker of every pool (training, prediction, decoding, file tasks) is started from source
  // through tsx in the CLI and the tests; importing every purpose's modules at start cost each
  // training worker about 0.35 s of CPU before its first request.
  it('imports only what every request needs (tfjs, its backend, the errors); the rest at the first request that needs it', () => {
    expect(staticValueImports(path.join(here, 'worker-main.ts')).sort()).toEqual(['../errors', '../ml/backend/init', '@tensorflow/tfjs', 'node:worker_threads']);
  });
});
