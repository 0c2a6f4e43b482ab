import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from './static-files';

describe('readStaticFile', () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'einthoven-static-'));
  const root = path.join(parent, 'renderer');
  writeFileSync(path.join(parent, 'secret.txt'), 'secret');
  mkdirSync(root);
  writeFileSync(path.join(root, 'index.html'), '<html>');

  it('serves index.html for /', async () => {
    const file = await readStaticFile(root, '/');
    expect(file?.contentType).toContain('text/html');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..\\secret.txt', `/${parent}/secret.txt`, '/%00'])(
    'refuses %s',
    async (urlPath) => {
      expect(await readStaticFile(root, urlPath)).toBeUndefined();
    },
  );
});
