import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchApp, repoRoot, type RunningApp } from './app';

/**
 * The PE form's measured items against the record they are entered on: a record whose header
 * gives the age 48 (PTB-XL 00131 with `# Age: 48` added), its own measured rate, and a D-dimer
 * as labs report it (mg/L FEU, a decimal comma). Before, the age and rate started empty and
 * "0,65" was read as 0.65 ng/mL FEU, which YEARS, PEGeD and the age-adjusted rule took to
 * exclude PE without imaging. Then the ECG's rate taken into an entry is changed by a correction
 * of the beats: reopened to correct the D-dimer, the entry's rate, still marked as the ECG's, was
 * refused by the engine in its API's terms; the form now says what changed beside the rate and
 * holds the save until the current rate is taken or one typed. Corrected in another window, the
 * engine refuses the rate and the measurements are read again; the worklist's "corrected" badge
 * is read again with them (it kept the old state until a reload).
 */
const fixture = (name: string) => path.join(repoRoot, 'e2e', 'fixtures', 'ptbxl', name);

function recordWithAge(age: number): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-pe-age-'));
  writeFileSync(path.join(dir, '00131_hr.hea'), `${readFileSync(fixture('00131_hr.hea'), 'utf8').trimEnd()}\n# Age: ${age}\n# Sex: Male\n`);
  copyFileSync(fixture('00131_hr.dat'), path.join(dir, '00131_hr.dat'));
  return [path.join(dir, '00131_hr.hea'), path.join(dir, '00131_hr.dat')];
}

const measuredRate = async (page: Page) => Math.round(Number(await page.getByTestId('measure-hr').getAttribute('data-value')));

/** The newest PE entry of the record as stored: its items and where its heart rate came from. */
function newestEntry(dataDir: string, recordId: number): { items: Record<string, unknown>; source: string | null } {
  const db = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
  try {
    const row = db.prepare('SELECT items, heart_rate_source FROM pe_assessments WHERE record_id = ? ORDER BY id DESC LIMIT 1').get(recordId) as { items: string; heart_rate_source: string | null };
    return { items: JSON.parse(row.items) as Record<string, unknown>, source: row.heart_rate_source };
  } finally {
    db.close();
  }
}

/** A stored entry row as an older version wrote it: items and scores as JSON. */
interface StoredEntryRow {
  readonly id: number;
  readonly items: string;
  readonly scores: string;
}

/** The record's newest PE entry row, as stored. */
function newestRow(db: Database.Database, recordId: number): StoredEntryRow {
  return db.prepare('SELECT id, items, scores FROM pe_assessments WHERE record_id = ? ORDER BY id DESC LIMIT 1').get(recordId) as StoredEntryRow;
}

/**
 * Writes an entry straight into the database, superseding `newest`, as an older version stored it
 * (no app path writes what it no longer computes); returns its row id.
 */
function insertAsOlderVersion(db: Database.Database, recordId: number, newest: StoredEntryRow, entry: { items: string; scores: string; assessor: string; heartRateSource: string }): number {
  const insert = db.prepare("INSERT INTO pe_assessments (record_id, items, scores, assessor, note, supersedes, entered_at, heart_rate_source) VALUES (?, ?, ?, ?, '', ?, ?, ?)");
  return Number(insert.run(recordId, entry.items, entry.scores, entry.assessor, newest.id, new Date().toISOString(), entry.heartRateSource).lastInsertRowid);
}

/** Opens 00131 again after its entries were written behind the app's back, once its PE panel is ready. */
async function reopenPePanel(page: Page, recordId: number): Promise<void> {
  await page.reload();
  await page.getByTestId('record-row').filter({ hasText: '00131_hr' }).click();
  await page.locator(`[data-testid="pe-panel"][data-record-id="${recordId}"][data-state="ready"]`).waitFor({ timeout: 60_000 });
}

const preview = (page: Page, score: string) => page.locator(`[data-testid="pe-preview"] [data-score="${score}"]`).textContent();

describe('browser mode: PE items from the record, D-dimer units, items on paper', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-pe-items-'));

  beforeAll(async () => {
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
    await page.getByTestId('import-files').setInputFiles(recordWithAge(48));
    await page.getByTestId('import-report').waitFor();
    expect(await page.getByTestId('import-report-row').getAttribute('data-status')).toBe('imported');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('starts the age from the record, offers the ECG rate without filling it, and reads a D-dimer in mg/L FEU', async () => {
    const row = page.getByTestId('record-row').filter({ hasText: '00131_hr' });
    const id = (await row.getAttribute('data-record-id')) ?? '';
    await row.click();
    await page.locator(`[data-testid="pe-panel"][data-record-id="${id}"][data-state="ready"]`).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('measure-hr').getAttribute('data-value'), { timeout: 60_000 }).toMatch(/^\d/);
    const rate = Math.round(Number(await page.getByTestId('measure-hr').getAttribute('data-value')));

    // Without an entry or a PE prediction the panel is folded: opened as a user does.
    await page.getByTestId('pe-panel').locator('summary').first().click();
    await page.getByTestId('pe-enter').click();
    expect(await page.getByTestId('pe-item-ageYears').inputValue()).toBe('48');
    expect(await page.getByTestId('pe-age-remark').textContent()).toBe('from the record');
    // The clinical heart rate is not taken from the ECG by itself: offered, one click.
    expect(await page.getByTestId('pe-item-heartRateBpm').inputValue()).toBe('');
    expect(await page.getByTestId('pe-use-ecg-rate').textContent()).toBe(`use the ECG's rate (${rate} /min)`);
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-opened.png') });
    await page.getByTestId('pe-use-ecg-rate').click();
    expect(await page.getByTestId('pe-item-heartRateBpm').inputValue()).toBe(String(rate));
    expect(await page.getByTestId('pe-use-ecg-rate').count()).toBe(0);
    expect(await page.getByTestId('pe-rate-from-ecg').textContent()).toBe('from the ECG');

    await page.getByTestId('pe-item-ageYears').fill('52');
    await expect.poll(() => page.getByTestId('pe-age-remark').textContent()).toBe("differs from the record's age (48 years)");
    expect(await page.getByTestId('pe-age-remark').getAttribute('data-kind')).toBe('differs');
    for (const item of ['dvtSigns', 'peMostLikely', 'immobilisationOrSurgery4w', 'previousVte', 'haemoptysis', 'activeCancer', 'surgeryOrFracture1m', 'unilateralLegPain']) await page.getByTestId(`pe-item-${item}`).selectOption('no');

    // The lab's 0,65 mg/L FEU typed in the default ng/mL: refused, saying the mix-up, and no rule excludes PE on it.
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('0,65');
    await expect.poll(() => page.getByTestId('pe-blocked').textContent()).toMatch(/D-dimer: 0\.65 ng\/mL FEU is below 20 ng\/mL FEU, which is not plausible; 0\.65 mg\/L FEU is 650 ng\/mL: choose mg\/L FEU/);
    expect(await page.getByTestId('pe-item-dDimerNgMlFeu').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => preview(page, 'years')).toMatch(/missing/);
    expect(await preview(page, 'years')).not.toMatch(/excluded/);
    expect(await page.getByTestId('pe-form').textContent()).toMatch(/a result in DDU \(D-dimer units\) is about half its FEU value and is not accepted as FEU/);

    await page.getByTestId('pe-ddimer-unit').selectOption('mg/L FEU');
    expect(await page.getByTestId('pe-ddimer-conversion').textContent()).toBe('= 650 ng/mL FEU');
    await expect.poll(() => preview(page, 'years')).toMatch(/D-dimer 650 < 1000 ng\/mL/);
    // Age 52: the age-adjusted cut-off is 520, so 650 calls for imaging.
    await expect.poll(() => preview(page, 'ageAdjustedDdimer')).toMatch(/imaging indicated/);
    await page.getByTestId('pe-assessor').fill('Dr. Units');
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-form.png') });
    await page.getByTestId('pe-save').click();
    await page.getByTestId('pe-current').waitFor();
    // Every score's result starts in one column, right of the widest name ("Simplified revised Geneva").
    const scores = page.getByTestId('pe-current-scores').getByTestId('pe-score');
    const boxes = await scores.evaluateAll((rows) => rows.map((row) => {
      const box = (id: string) => row.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
      return { name: box('pe-score-name')?.right ?? NaN, result: box('pe-score-result')?.left ?? NaN };
    }));
    expect(boxes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(boxes.map((b) => Math.round(b.result))).size).toBe(1);
    for (const b of boxes) expect(b.result).toBeGreaterThan(b.name);

    // Stored in the one unit, whatever it was typed in.
    const db = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
    try {
      const stored = db.prepare('SELECT items, heart_rate_source FROM pe_assessments WHERE record_id = ?').all(Number(id)) as { items: string; heart_rate_source: string }[];
      expect(stored.map((r) => JSON.parse(r.items) as object)).toEqual([expect.objectContaining({ ageYears: 52, heartRateBpm: rate, dDimerNgMlFeu: 650 })]);
      // The rate taken with the click is recorded as the ECG's, with the entry and in its audit entry.
      expect(stored.map((r) => r.heart_rate_source)).toEqual(['ecg']);
      const audited = db.prepare("SELECT details FROM audit_log WHERE action = 'pe.scores.entered' AND subject = ?").all(`record:${id}`) as { details: string }[];
      expect(audited.map((a) => (JSON.parse(a.details) as { heartRateSource: string }).heartRateSource)).toEqual(['ecg']);
    } finally {
      db.close();
    }

    // The items, on screen and on paper, so a score can be checked against the chart.
    const items = `Items: age 52 years (record header: 48), heart rate ${rate}/min (from the ECG), D-dimer 650 ng/mL FEU; no: all 8.`;
    expect(await page.getByTestId('pe-current-items').textContent()).toBe(items);
    await expect.poll(() => page.getByTestId('print-pe-scores').textContent()).toMatch(new RegExp(`: Wells 0: .*\\. ${items.replace(/[()/.]/g, '\\$&')}$`));
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-entered.png') });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(artifactPath('pe-items-print.pdf'), pdf);
    const printed = execFileSync('pdftotext', [artifactPath('pe-items-print.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(printed).toContain(`heart rate ${rate}/min (from the ECG), D-dimer 650 ng/mL FEU; no: all 8.`);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
  });

  it('asks a D-dimer of 20–100 typed in ng/mL to be confirmed: 24 mg/L FEU typed as 24 ng/mL no longer excludes PE unasked', async () => {
    const id = (await page.getByTestId('record-row').filter({ hasText: '00131_hr' }).getAttribute('data-record-id')) ?? '';
    await page.getByTestId('pe-enter').click();
    // A massive PE's 24 mg/L FEU, typed in the default ng/mL: before, it passed as 24 ng/mL and every rule excluded PE.
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('24');
    const asked = 'D-dimer: 24 ng/mL FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45); if the lab reported 24 mg/L FEU, that is 24000 ng/mL FEU: choose mg/L FEU, or confirm that the lab reported 24 ng/mL FEU';
    await expect.poll(() => page.getByTestId('pe-blocked').textContent()).toContain(asked);
    expect(await page.getByTestId('pe-item-dDimerNgMlFeu').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => preview(page, 'years')).toMatch(/missing/);
    expect(await page.getByTestId('pe-form').textContent()).not.toMatch(/excluded/);
    expect(await page.getByTestId('pe-ddimer-confirm').isChecked()).toBe(false);
    expect(await page.getByTestId('pe-ddimer-confirm-text').textContent()).toBe('The lab reported 24 ng/mL FEU, not 24 mg/L FEU (= 24000 ng/mL FEU)');
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-ddimer-confirm.png') });
    await page.getByTestId('pe-ddimer-unit').selectOption('mg/L FEU');
    expect(await page.getByTestId('pe-ddimer-conversion').textContent()).toBe('= 24000 ng/mL FEU');
    await expect.poll(() => preview(page, 'years')).toMatch(/imaging indicated \(0 YEARS items, D-dimer 24000 ≥ 1000 ng\/mL\)/);
    expect(await page.getByTestId('pe-ddimer-confirm').count()).toBe(0);

    // A real result that low (VIDAS reports from 45 ng/mL FEU) is taken once ticked, and the entry keeps the tick.
    await page.getByTestId('pe-ddimer-unit').selectOption('ng/mL FEU');
    await page.getByTestId('pe-item-dDimerNgMlFeu').fill('60');
    await expect.poll(() => page.getByTestId('pe-blocked').textContent()).toMatch(/D-dimer: 60 ng\/mL FEU is lower than most assays report/);
    await page.getByTestId('pe-ddimer-confirm').check();
    await expect.poll(() => preview(page, 'years')).toMatch(/PE excluded without imaging \(0 YEARS items, D-dimer 60 < 1000 ng\/mL\)/);
    expect(await page.getByTestId('pe-blocked').count()).toBe(0);
    await page.getByTestId('pe-save').click();
    await expect.poll(() => page.getByTestId('pe-current-items').textContent()).toMatch(/D-dimer 60 ng\/mL FEU \(unit confirmed at entry\); no: all 8\.$/);
    const db = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
    try {
      const newest = db.prepare('SELECT items FROM pe_assessments WHERE record_id = ? ORDER BY id DESC LIMIT 1').get(Number(id)) as { items: string };
      expect(JSON.parse(newest.items)).toMatchObject({ dDimerNgMlFeu: 60, dDimerUnitConfirmed: true });
    } finally {
      db.close();
    }
    // The confirmed entry's decisions stand as they are.
    expect(await page.getByTestId('pe-current-scores').getByTestId('pe-score-caveat').count()).toBe(0);
  });

  it("qualifies the D-dimer rules' decisions of an entry stored before its low D-dimer was confirmed, beside each decision", async () => {
    const row = page.getByTestId('record-row').filter({ hasText: '00131_hr' });
    const id = Number(await row.getAttribute('data-record-id'));
    // As an entry made before the confirmation was asked: 24 ng/mL FEU without it, its scores as then computed.
    const db = new Database(path.join(dataDir, 'einthoven.sqlite'));
    try {
      const newest = newestRow(db, id);
      const items: Record<string, unknown> = { ...(JSON.parse(newest.items) as Record<string, unknown>), dDimerNgMlFeu: 24 };
      delete items['dDimerUnitConfirmed'];
      const scores = (JSON.parse(newest.scores) as { summary: string }[]).map((s) => ({ ...s, summary: s.summary.replace(/D-dimer 60 /, 'D-dimer 24 ') }));
      insertAsOlderVersion(db, id, newest, { items: JSON.stringify(items), scores: JSON.stringify(scores), assessor: 'Dr. Before', heartRateSource: 'ecg' });
    } finally {
      db.close();
    }
    await reopenPePanel(page, id);
    await expect.poll(() => page.getByTestId('pe-current').textContent()).toMatch(/Dr\. Before/);
    expect(await page.getByTestId('pe-current-items').textContent()).toMatch(/D-dimer 24 ng\/mL FEU \(unit not confirmed: possibly 24 mg\/L FEU typed as ng\/mL/);
    // Before, "PE excluded without imaging" stood unqualified beside YEARS, PEGeD and the age-adjusted rule.
    const caveat = "not to be relied on: the D-dimer's unit was not confirmed (see the items); correct the entry";
    const current = page.getByTestId('pe-current-scores');
    for (const rule of ['years', 'peged', 'ageAdjustedDdimer']) {
      expect(await current.locator(`[data-score="${rule}"]`).textContent()).toMatch(/PE excluded without imaging/);
      expect(await current.locator(`[data-score="${rule}"]`).getByTestId('pe-score-caveat').textContent()).toBe(caveat);
    }
    expect(await current.locator('[data-score="wells"]').getByTestId('pe-score-caveat').count()).toBe(0);
    await expect.poll(() => page.getByTestId('print-pe-scores').textContent()).toContain(`YEARS: PE excluded without imaging (0 YEARS items, D-dimer 24 < 1000 ng/mL) [${caveat}]`);
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-unconfirmed-entry.png') });
  });

  it("says beside a rate taken from the ECG that a correction of the beats has changed the ECG's rate since, and holds the save until the current rate is taken or one typed", async () => {
    const id = Number(await page.getByTestId('record-row').filter({ hasText: '00131_hr' }).getAttribute('data-record-id'));
    const entry = newestEntry(dataDir, id);
    const taken = Number(entry.items['heartRateBpm']);
    expect([entry.source, taken]).toEqual(['ecg', await measuredRate(page)]);

    // A reader removes a beat: the ECG's measured rate falls.
    await page.getByTestId('boundary-correct').click();
    await page.locator('[data-testid="beat-marker"][data-state]').nth(3).click();
    await page.getByTestId('boundary-reader').fill('Dr. A. Reader');
    await page.getByTestId('boundary-save').click();
    await page.getByTestId('boundary-correction').waitFor();
    const now = await measuredRate(page);
    expect(now).toBeLessThan(taken);
    // The entry's items, on screen and on paper, say the rate was the ECG's at entry and what the ECG measures now.
    const both = `heart rate ${taken}/min (from the ECG at entry; it now measures ${now}/min)`;
    await expect.poll(() => page.getByTestId('pe-current-items').textContent()).toContain(both);
    await expect.poll(() => page.getByTestId('print-pe-scores').textContent()).toContain(both);

    // The entry reopened to correct its D-dimer (24 was the lab's mg/L FEU): the rate stays as stored, marked as the ECG's, and is said to be no longer the ECG's.
    await page.getByTestId('pe-enter').click();
    const rate = page.getByTestId('pe-item-heartRateBpm');
    expect([await rate.inputValue(), await rate.getAttribute('data-source'), await rate.getAttribute('aria-invalid')]).toEqual([String(taken), 'ecg', 'true']);
    const said = `taken from the ECG at entry (${taken} /min); the ECG now measures ${now} /min, its beats or boundaries having been corrected since: use ${now} /min, or type the clinical rate`;
    expect(await page.getByTestId('pe-rate-changed').textContent()).toBe(said);
    expect(await page.getByTestId('pe-use-ecg-rate').textContent()).toBe(`use the ECG's rate (${now} /min)`);
    await page.getByTestId('pe-ddimer-unit').selectOption('mg/L FEU');
    // Before, Save went to the engine, which refused it saying "send heartRateSource 'entered'".
    await expect.poll(() => page.getByTestId('pe-blocked').textContent()).toBe(`To save: correct the marked value: Heart rate: ${said}`);
    expect(await page.getByTestId('pe-save').isDisabled()).toBe(true);
    await page.getByTestId('pe-panel').screenshot({ path: artifactPath('pe-items-ecg-rate-changed.png') });

    // The current rate taken with the click: the ECG's again, and saved as such with the corrected D-dimer.
    await page.getByTestId('pe-use-ecg-rate').click();
    expect([await rate.inputValue(), await page.getByTestId('pe-rate-from-ecg').textContent(), await page.getByTestId('pe-rate-changed').count(), await page.getByTestId('pe-blocked').count()]).toEqual([String(now), 'from the ECG', 0, 0]);
    await page.getByTestId('pe-save').click();
    await expect.poll(() => page.getByTestId('pe-current-items').textContent()).toContain(`heart rate ${now}/min (from the ECG), D-dimer 24000 ng/mL FEU`);
    expect(newestEntry(dataDir, id)).toMatchObject({ items: { heartRateBpm: now, dDimerNgMlFeu: 24_000 }, source: 'ecg' });
    expect(await page.getByTestId('pe-error').count()).toBe(0);
  });

  it("says in the clinician's words why the engine refused the ECG's rate after the beats were corrected in another window, and shows the rate the ECG now measures", async () => {
    const row = page.getByTestId('record-row').filter({ hasText: '00131_hr' });
    const id = Number(await row.getAttribute('data-record-id'));
    const taken = await measuredRate(page);
    await page.getByTestId('pe-enter').click();
    expect(await page.getByTestId('pe-rate-from-ecg').textContent()).toBe('from the ECG');
    // This window's worklist marks the record's measurements as corrected (the correction made here before).
    expect(await row.getByTestId('record-corrected').count()).toBe(1);

    // Meanwhile, in another window, the reader takes the correction of the beats back.
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    const other = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await other.goto(app.url);
      await other.getByTestId('record-row').filter({ hasText: '00131_hr' }).click();
      await other.getByTestId('boundary-correction').waitFor();
      await other.getByTestId('boundary-correct').click();
      await other.getByTestId('boundary-reader').fill('Dr. A. Reader');
      await other.getByTestId('boundary-restore').click();
      await other.getByTestId('boundary-correction').waitFor({ state: 'detached' });
    } finally {
      await other.close();
    }

    // This window still shows the corrected rate, so its form lets the save go; the engine refuses it.
    await page.getByTestId('pe-note').fill('rate re-checked');
    await page.getByTestId('pe-save').click();
    await expect.poll(() => page.getByTestId('pe-error').textContent()).toMatch(
      /^Not saved: the heart rate is marked as taken from the ECG, but the ECG no longer measures that rate \(its beats or boundaries were corrected since this window read it, perhaps in another window\)\. Its measurements are read again: then use the ECG's current rate, or type the clinical rate\. \(heartRateSource 'ecg' says/,
    );
    // Read again: the program's rate, and the form says the entry's is no longer the ECG's.
    await page.getByTestId('boundary-correction').waitFor({ state: 'detached' });
    // The worklist is read again with them: its row no longer says corrected (it did until a reload).
    await expect.poll(() => row.getByTestId('record-corrected').count()).toBe(0);
    const now = await measuredRate(page);
    expect(now).toBeGreaterThan(taken);
    await expect.poll(() => page.getByTestId('pe-rate-changed').textContent()).toBe(`taken from the ECG at entry (${taken} /min); the ECG now measures ${now} /min, its beats or boundaries having been corrected since: use ${now} /min, or type the clinical rate`);
    expect(await page.getByTestId('pe-save').isDisabled()).toBe(true);

    // A rate typed is the clinician's own: saved as entered.
    await page.getByTestId('pe-item-heartRateBpm').fill('96');
    expect([await page.getByTestId('pe-item-heartRateBpm').getAttribute('data-source'), await page.getByTestId('pe-rate-changed').count()]).toEqual(['entered', 0]);
    await page.getByTestId('pe-save').click();
    await expect.poll(() => page.getByTestId('pe-current-items').textContent()).toContain('heart rate 96/min');
    expect(newestEntry(dataDir, id)).toMatchObject({ items: { heartRateBpm: 96 }, source: 'entered' });
  });

  it("shows a stored Wells total its items no longer give recomputed, what was entered beside it, and leaves the stored row as it was", async () => {
    const row = page.getByTestId('record-row').filter({ hasText: '00131_hr' });
    const id = Number(await row.getAttribute('data-record-id'));
    // As an older version stored an entry: its items, and a Wells total 1.5 points above what they give now (the row written straight to the database).
    const db = new Database(path.join(dataDir, 'einthoven.sqlite'));
    let stored: { id: number; scores: string };
    let wells: { total: number; summary: string };
    try {
      const newest = newestRow(db, id);
      const scores = JSON.parse(newest.scores) as { score: string; total: number | null; summary: string }[];
      const now = scores.find((s) => s.score === 'wells');
      const total = now?.total;
      if (now === undefined || total === null || total === undefined) throw new Error('the newest entry has no Wells total');
      wells = { total, summary: now.summary.replace(/^Wells [\d.]+:/, `Wells ${total + 1.5}:`) };
      const older = scores.map((s) => (s.score === 'wells' ? { ...s, total: total + 1.5, summary: wells.summary } : s));
      stored = { id: insertAsOlderVersion(db, id, newest, { items: newest.items, scores: JSON.stringify(older), assessor: 'Dr. Older', heartRateSource: 'entered' }), scores: JSON.stringify(older) };
    } finally {
      db.close();
    }
    await reopenPePanel(page, id);
    await expect.poll(() => page.getByTestId('pe-current').textContent()).toMatch(/Dr\. Older/);
    // The total its items give, with the one entered named beside it; before, the stored total stood as if computed now.
    const shown = page.getByTestId('pe-current-scores').locator('[data-score="wells"]');
    expect(await shown.getAttribute('data-total')).toBe(String(wells.total));
    expect(await shown.getByTestId('pe-score-result').textContent()).toContain(`${wells.total} points`);
    expect(await shown.getByTestId('pe-score-recomputed').textContent()).toBe(`[recomputed from the entry's items under the current rule; entered as ${wells.summary}]`);
    // Shown, never rewritten: the row keeps the total it was stored with.
    const after = new Database(path.join(dataDir, 'einthoven.sqlite'), { readonly: true });
    try {
      expect((after.prepare('SELECT scores FROM pe_assessments WHERE id = ?').get(stored.id) as { scores: string }).scores).toBe(stored.scores);
    } finally {
      after.close();
    }
  });
});
