import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBackup } from '../core/storage/backup-check';
import { allowFolders, artifactPath, launchApp, repoRoot, type RunningApp } from './app';

/**
 * The head's hash attribute and its text read in one step: the app may add an entry of its own
 * (at start, say) between two separate reads, and then the two come from different heads.
 */
async function headAsShown(head: Locator): Promise<{ hash: string; text: string }> {
  return head.evaluate((el) => ({ hash: el.getAttribute('data-head') ?? '', text: el.textContent ?? '' }));
}

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
    const { hash, text } = await headAsShown(head);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(text).toContain(hash.slice(0, 12));
    await app.page.getByTestId('audit-export-anchor').click();
    await expect.poll(() => app.page.getByTestId('audit-export-anchor').getAttribute('title'), { timeout: 20_000 }).toMatch(/Anchor written to .*audit-anchor-.*\.json/);
    const anchors = readdirSync(path.join(dataDir, 'exports')).filter((f) => f.startsWith('audit-anchor-'));
    expect(anchors).toHaveLength(1);
    // The button's title is set before the header reloads: wait for the header to show the export's own
    // entry, so that the next test starts from the head after the anchor, not from the one before it.
    const anchored = (JSON.parse(readFileSync(path.join(dataDir, 'exports', anchors[0] ?? ''), 'utf8')) as { lastId: number }).lastId;
    await expect.poll(async () => Number(/audit #(\d+)/.exec((await headAsShown(head)).text)?.[1] ?? 0), { timeout: 20_000 }).toBeGreaterThan(anchored);
  });

  it('follows the trail: an import moves the head shown, without reopening anything', async () => {
    const head = app.page.getByTestId('audit-head');
    const before = await head.getAttribute('data-head');
    const fixture = (name: string) => path.join(repoRoot, 'e2e', 'fixtures', 'ptbxl', name);
    await app.page.getByTestId('import-files').setInputFiles([fixture('00131_hr.hea'), fixture('00131_hr.dat')]);
    await app.page.getByTestId('import-report').waitFor();
    await expect.poll(() => head.getAttribute('data-head'), { timeout: 10_000 }).not.toBe(before);
    expect(await head.getAttribute('data-ok')).toBe('true');
    // Verified whole once (at start, and again by the anchor export), then only the entries added since.
    const whole = app.page.getByTestId('audit-whole');
    expect(await whole.textContent()).toMatch(/^whole trail verified \d{1,2}:\d{2}/);
    expect(await whole.getAttribute('title')).toMatch(/^Every entry's hash and link verified at .*; the \d+ entr(y|ies) added since were each checked as they came/);
    // "verify all": every entry again, now; none is counted as checked one by one since.
    await app.page.getByTestId('audit-verify-whole').click();
    await app.page.locator('[data-testid="audit-verify-whole"]:not([disabled])').waitFor();
    // The whole check also compares the stored rows with the entries that recorded them.
    expect(await whole.getAttribute('title')).toMatch(/^Every entry's hash and link verified at [^;]*\. Stored rows compared with their entries: \d+ records, \d+ readings, \d+ predictions, \d+ notes, \d+ fiducial corrections, \d+ PE assessments match their entries; \d+ guard triggers in place\. An older entry/);
  });

  it('backs the data folder up from the app into a new folder inside an allowed one: checked, audited, the key left out', async () => {
    const page = app.page;
    const site = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-backups-'));
    const headBefore = (await page.getByTestId('audit-head').getAttribute('data-head')) ?? '';
    await page.getByTestId('backup-open').click();
    const panel = page.getByTestId('backup-panel');
    const to = path.join(site, 'einthoven-backup-1');
    await panel.getByTestId('backup-to').fill(to);
    // Not allowed yet: the panel says so and offers to allow the folder the backup goes into.
    expect(await panel.getByTestId('folder-need').textContent()).toContain(site);
    await allowFolders(panel);
    await panel.getByTestId('backup-run').click();
    await panel.getByTestId('backup-done').waitFor({ timeout: 60_000 });
    // The header follows at once: the trail now ends with the backup's entry, the panel still open.
    await expect.poll(() => page.getByTestId('audit-head').getAttribute('data-head')).not.toBe(headBefore);
    const afterBackup = await headAsShown(page.getByTestId('audit-head'));
    expect(afterBackup.text).toContain(afterBackup.hash.slice(0, 12));
    expect((await panel.getByTestId('backup-done').textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/^Backed up \d+ records? and \d+ model and export files? \([\d.]+ MB\) to .*einthoven-backup-1; audit trail up to entry \d+ \([0-9a-f]{12}…\)\. The backup is in the audit trail\./);
    expect((await panel.getByTestId('backup-left-out').textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/^Not copied: keys\/ \(the installation's signing key/);
    await panel.screenshot({ path: artifactPath('backup-panel.png') });
    // What the app wrote is a backup the CLI's check accepts, with the anchor exported above among its files.
    const check = await checkBackup(to);
    expect(check.problems).toEqual([]);
    expect(check.manifest?.database.records).toBeGreaterThan(0);
    expect(check.manifest?.files.some((f) => f.path.startsWith('exports/audit-anchor-'))).toBe(true);
    // A second backup into the same folder is refused: nothing is written over.
    await panel.getByTestId('backup-run').click();
    await expect.poll(() => panel.getByTestId('backup-error').textContent()).toMatch(/is not an empty folder: nothing is written over existing files/);
    await panel.getByTestId('backup-close').click();
    expect(existsSync(path.join(to, 'keys'))).toBe(false);
  });
});
