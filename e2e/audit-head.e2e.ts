import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type RunningApp } from './app';

describe('browser mode: the audit head is shown and can be anchored', () => {
  let app: RunningApp;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-audit-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    await app.page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the verified head hash in the header and writes an anchor file into the data folder', async () => {
    const head = app.page.getByTestId('audit-head');
    await head.waitFor();
    expect(await head.getAttribute('data-ok')).toBe('true');
    const hash = (await head.getAttribute('data-head')) ?? '';
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await head.textContent()).toContain(hash.slice(0, 12));
    await app.page.getByTestId('audit-export-anchor').click();
    await expect.poll(() => app.page.getByTestId('audit-export-anchor').getAttribute('title'), { timeout: 20_000 }).toMatch(/Anchor written to .*audit-anchor-.*\.json/);
    expect(readdirSync(path.join(dataDir, 'exports')).filter((f) => f.startsWith('audit-anchor-'))).toHaveLength(1);
  });
});
