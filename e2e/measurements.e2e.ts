import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, cli, launchApp, type RunningApp } from './app';

/**
 * The measurement panel on real files imported by the CLI: a paced PTB-XL record (paced,
 * QTc not interpretable), the first-degree AV block sample (its computed statement adopted
 * into the reading with one click; a borderline one adopted as its words, since its code would
 * drop the doubt), a Philips file (the cart's measurements beside ours,
 * the QRS difference highlighted) and LUDB record 1, whose leads were each rescaled to 1 mV
 * (no voltage statement, the reason shown, axes from the limb leads' restored proportions), and
 * LUDB record 8 (ventricular pacing, spikes seen before 5 of 12 beats: a paced rhythm) and
 * LUDB record 99 (QRS peaks cut by the recorder: said, and those complexes left out), and PTB-XL
 * 00455 (right bundle branch block with left anterior fascicular block, each stated and adopted as
 * its code), and LUDB record 110 (atrial fibrillation with a ventricular premature beat: named
 * ventricular or aberrant, adopted as those words).
 */

/**
 * PTB-XL 00191 (committed CC BY fixture) copied with its header's lead III named "III (renamed)":
 * III is computed from I and II beside the file's lead, kept under its own name. Its two files.
 */
function renamedIii(folder: string): string[] {
  const from = path.join('core', 'test', 'fixtures', 'signal', 'ptbxl-1avb', '00191_hr');
  mkdirSync(folder, { recursive: true });
  const header = readFileSync(`${from}.hea`, 'utf8');
  if (!/ 0 III\n/.test(header)) throw new Error(`${from}.hea names no lead III`);
  writeFileSync(path.join(folder, '00191_hr.hea'), header.replace(/ 0 III\n/, ' 0 III (renamed)\n'));
  copyFileSync(`${from}.dat`, path.join(folder, '00191_hr.dat'));
  return ['hea', 'dat'].map((ext) => path.join(folder, `00191_hr.${ext}`));
}

/** Opens the record whose row shows `name`, or (`by: 'path'`) whose source path ends with it. */
async function open(page: Page, name: string, by: 'text' | 'path' = 'text'): Promise<void> {
  const row = by === 'text' ? page.getByTestId('record-row').filter({ hasText: name }) : page.locator(`[data-testid="record-row"][title$="${name}"]`);
  const id = await row.getAttribute('data-record-id');
  await row.click();
  await page.locator(`[data-testid="ecg-plot"][data-record-id="${id ?? ''}"] [data-testid="measure-hr"]`).waitFor();
  await page.locator(`[data-testid="overread"][data-record-id="${id ?? ''}"][data-state="ready"]`).waitFor();
}

const codes = (page: Page) => page.getByTestId('computed-statement').evaluateAll((n) => n.map((s) => s.getAttribute('data-code')));

describe('browser mode: measurements beside the device, cautions and computed statements', () => {
  let app: RunningApp;
  let page: Page;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-measure-'));
  const files = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-measure-files-'));

  beforeAll(async () => {
    await cli(
      'import',
      '--data-dir',
      dataDir,
      ...renamedIii(path.join(files, 'renamed')),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ptbxl-paced', `00143_hr.${ext}`)),
      path.join('core', 'test', 'fixtures', 'formats', 'philips', '129DYPRG.XML'),
      ...['hea', 'dat'].map((ext) => path.join('resources', 'samples', 'ptbxl', `00102_hr.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'train', 'ptbxl', 'records100', '00000', `00003_lr.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ludb-1', `1.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ludb-8', `8.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ludb-99', `99.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ptbxl-lafb', `00455_hr.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ludb-110', `110.${ext}`)),
      ...['hea', 'dat'].map((ext) => path.join('core', 'test', 'fixtures', 'signal', 'ludb-52', `52.${ext}`)),
    );
    app = await launchApp({ dataDir });
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('a paced record says paced and does not read its QTc against the limits', async () => {
    await open(page, '00143_hr');
    const cautions = page.getByTestId('measurement-cautions');
    expect(await cautions.getAttribute('data-paced')).toBe('true');
    expect(await cautions.textContent()).toMatch(/Paced: \d+ pacemaker spikes/);
    expect(await page.getByTestId('measure-qtc').getAttribute('data-flag')).toBe('not-interpretable');
    expect(await page.getByTestId('qtc-flag').textContent()).toMatch(/not interpretable: paced rhythm/);
    expect(await codes(page)).toContain('PACE');
    expect(await codes(page)).not.toContain('LNGQT');
  });

  it('adopts a computed statement into the physician’s reading with one click', async () => {
    await open(page, '00102_hr');
    expect(Number(await page.getByTestId('measure-pr').getAttribute('data-value'))).toBeGreaterThan(200);
    const avb = page.locator('[data-testid="computed-statement"][data-code="1AVB"]');
    expect(await avb.textContent()).toMatch(/First-degree AV block.*PR \d+ ms/);
    await avb.getByTestId('adopt-statement').click();
    await expect.poll(() => page.getByTestId('overread-chosen').locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).toContain('1AVB');
    expect(await avb.getByTestId('adopt-statement').textContent()).toMatch(/In the reading/);
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-statements.png') });
  });

  it('adopts a borderline statement as its words, not as the definite SCP code', async () => {
    // PTB-XL 00003 at 100 Hz: QTc within 25 ms of the limit.
    await open(page, '00003_lr');
    const qtc = page.locator('[data-testid="computed-statement"][data-code="LNGQT"]');
    expect(await qtc.textContent()).toMatch(/Borderline prolonged QTc/);
    await qtc.getByTestId('adopt-statement').click();
    const chosen = page.getByTestId('overread-chosen').locator('li');
    await expect.poll(() => chosen.allTextContents()).toContainEqual(expect.stringMatching(/Borderline prolonged QTc/));
    expect(await chosen.evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).not.toContain('LNGQT');
  });

  it('shows the Philips cart’s measurements beside ours, the QRS difference highlighted', async () => {
    await open(page, '129DYPRG');
    const device = page.getByTestId('device-measurements');
    expect(await device.textContent()).toMatch(/The device's measurements \(Philips/);
    const row = (field: string) => page.locator(`[data-testid="device-row"][data-field="${field}"]`);
    expect(await row('qrsMs').getAttribute('data-beyond')).toBe('true');
    expect(await row('prMs').getAttribute('data-beyond')).toBe('false');
    expect(await row('qrsMs').textContent()).toMatch(/135/);
    // Its meanqtc (393) names no formula: labelled so, not as Bazett, and compared with ours under each.
    expect(await row('qtcMs').textContent()).toMatch(/QTc \(formula not stated\) \(ms\).*393/);
    expect(await row('qtcMs').getAttribute('data-beyond')).toBe('false');
    // meanprseg and qtintdispersion: the cart's figures under their names, none of ours beside them.
    expect(await row('prSegmentMs').textContent()).toMatch(/^PR segment \(ms\)—66$/);
    expect(await row('qtDispersionMs').textContent()).toMatch(/^QT dispersion \(ms\)—27$/);
    expect(await page.getByTestId('device-qtc-note').textContent()).toMatch(/does not say which formula the device's QTc uses; within ±30 ms of our .*Bazett/);
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-device.png') });
  });

  it('a file whose leads were rescaled one by one shows no voltage statement and says why; its axes come from the restored limb proportions', async () => {
    await open(page, `ludb-1${path.sep}1.hea`, 'path');
    expect(await page.getByTestId('measurement-cautions').textContent()).toMatch(/Amplitudes not as recorded: every lead spans the same 1\.00 mV peak to peak.*restoring the limb leads' proportions/);
    expect(await page.getByTestId('measure-axis-qrs').getAttribute('data-value')).toMatch(/^-?\d/);
    expect(await codes(page)).toContain('RESCALED');
    expect(await codes(page)).not.toContain('LVOLT');
    expect(Number(await page.getByTestId('measure-pr').getAttribute('data-value'))).toBeGreaterThan(100);
  });

  it('a paced rhythm whose spikes are too small to see before some paced beats (LUDB 8) is said to be one, with those beats in its evidence; no QRS statement, no paced beat left out of the median beat', async () => {
    await open(page, `ludb-8${path.sep}8.hea`, 'path');
    const pacing = page.locator('[data-testid="computed-statement"][data-code="PACE"]');
    expect(await pacing.textContent()).toMatch(/Paced rhythm.*beats after a spike 42%.*beats with the paced QRS, no spike seen 33%/);
    expect(await codes(page)).not.toContain('IVCD');
    await page.getByTestId('median-beats-toggle').locator('summary').click();
    await page.getByTestId('median-beat').first().waitFor();
    expect(await page.getByTestId('median-paced-left-out').count()).toBe(0);
  });

  it('a computed III beside a header lead not recognised ("III (renamed)") is said beside the intervals and axes, as ecg measure says it', async () => {
    const [hea] = renamedIii(path.join(files, 'measured'));
    const measured = JSON.parse(await cli('measure', hea as string, '--json')) as { caveats: { leadsUnrecognised?: string } };
    const note = "the file's lead III (renamed) is not recognised as any of the 12 standard leads: kept under the file's name, not taken for III, which is computed from I and II (not recorded)";
    expect(measured.caveats.leadsUnrecognised).toBe(note);
    await open(page, `renamed${path.sep}00191_hr.hea`, 'path');
    // Only the record header's warnings said it, away from the figures.
    expect(await page.getByTestId('measurement-cautions').locator('li').allTextContents()).toContain(`Leads: ${note}`);
    // The printed report said nothing of it: its cautions were a list of its own, without the leads'.
    expect(await page.getByTestId('print-measurements').textContent()).toContain(` · Caution: Leads: ${note}`);
  });

  it('complexes the recorder cut are said, in the cautions, the statements and the median beat’s caption', async () => {
    await open(page, `ludb-99${path.sep}99.hea`, 'path');
    expect(await page.getByTestId('measurement-cautions').textContent()).toMatch(/Complexes cut by the recorder: every lead held still for ~\d+ ms and then jumped at 7 of \d+ QRS complexes/);
    const held = page.locator('[data-testid="computed-statement"][data-code="HELD"]');
    expect(await held.textContent()).toMatch(/QRS complexes cut by the recorder.*complexes 7 of \d+/);
    await page.getByTestId('median-beats-toggle').locator('summary').click();
    expect(await page.getByTestId('median-held-left-out').textContent()).toMatch(/\d+ complexes cut by the recorder left out/);
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-held.png') });
  });

  it('right bundle branch block with left anterior fascicular block: each with its evidence, adopted as its code; its QTc flag qualified by the wide QRS', async () => {
    await open(page, '00455_hr');
    expect(await codes(page)).toEqual(expect.arrayContaining(['CRBBB', 'LAFB', 'LAD']));
    const lafb = page.locator('[data-testid="computed-statement"][data-code="LAFB"]');
    expect(await lafb.textContent()).toMatch(/Left anterior fascicular block with the right bundle branch block.*QRS axis -\d+ ?°.*aVL q \/ R \/ S.*R peak time aVL \d+ ms/);
    // Its QTc (Fridericia 460 ms, sex unknown) reaches the limit with a QRS of 162 ms: the badge says the wide QRS lengthens the QT,
    // and, within 25 ms of the limit, "borderline" as a QTc statement would.
    expect(await page.getByTestId('measure-qtc').getAttribute('data-flag')).toBe('borderline');
    expect(await page.getByTestId('qtc-flag').textContent()).toMatch(/^borderline prolonged \(≥ 460 ms, over the limit for either sex; within 25 ms of the limit\)/);
    expect(await page.getByTestId('qtc-flag').getAttribute('data-wide-qrs')).toBe('true');
    expect(await page.getByTestId('qtc-flag').textContent()).toMatch(/QRS 162 ms: a wide QRS lengthens QT/);
    await lafb.getByTestId('adopt-statement').click();
    await expect.poll(() => page.getByTestId('overread-chosen').locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).toContain('LAFB');
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-rbbb-lafb.png') });
  });

  it('in atrial fibrillation a QRS unlike the others is named ventricular or aberrant, and adopted as those words, not as the PVC code', async () => {
    await open(page, `ludb-110${path.sep}110.hea`, 'path');
    expect(await codes(page)).toEqual(expect.arrayContaining(['AFIB', 'PVC']));
    const different = page.locator('[data-testid="computed-statement"][data-code="PVC"]');
    expect(await different.textContent()).toMatch(/Ventricular premature or aberrantly conducted complex \(1\).*beats with a different QRS/);
    await different.getByTestId('adopt-statement').click();
    const chosen = page.getByTestId('overread-chosen').locator('li');
    await expect.poll(() => chosen.allTextContents()).toContainEqual(expect.stringMatching(/Ventricular premature or aberrantly conducted complex/));
    expect(await chosen.evaluateAll((li) => li.map((l) => l.getAttribute('data-code')))).not.toContain('PVC');
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-af-ectopy.png') });
  });

  it('flutter whose wave before the QRS passes for a P wave (LUDB 52): the sinus and AV block statements say to exclude flutter, on screen and on paper', async () => {
    await open(page, `ludb-52${path.sep}52.hea`, 'path');
    const block = page.locator('[data-testid="computed-statement"][data-code="1AVB"]');
    expect(await block.textContent()).toMatch(/First-degree AV block.*regular atrial waves at \d+\/min \(\w+\) run between the complexes: exclude atrial flutter on the rhythm strip/);
    const cautions = (await page.getByTestId('print-computed-cautions').textContent()) ?? '';
    expect(cautions).toMatch(/^\[1\] regular atrial waves at \d+\/min/);
    expect(await page.getByTestId('print-computed').textContent()).toMatch(/First-degree AV block \[1\]/);
    await page.getByTestId('measurements').screenshot({ path: artifactPath('measurements-flutter-caution.png') });
    // On paper the measurements keep their cautions to the end (LUDB's amplitudes were rescaled lead by lead: a long one), on one sheet.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(artifactPath('measurements-flutter-print.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    const printed = execFileSync('pdftotext', [artifactPath('measurements-flutter-print.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(printed).toMatch(/Signal quality: \w+.* · Caution: Amplitudes not as recorded: every lead spans the same [\d.]+ mV peak to peak .*not interpretable.*Computed statements/);
    expect(printed).toMatch(/\[1\] regular atrial waves at \d+\/min/);
  });
});
