import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, channelRequests, cli, launchApp, type RunningApp } from './app';

/**
 * The clinical viewer on bundled PTB-XL samples: layouts, paper speed and gain, display
 * filters, calipers, and the engine's measurements, checked against `ecg measure` on the
 * same files (the CLI runs the engine headless, in its own process).
 */
interface CliMeasurement {
  file: string;
  heartRateBpm: number;
  rrMs: { mean: number; sd: number };
  prMs: number | null;
  qrsMs: number;
  qtMs: number;
  qtcMs: Record<string, number>;
  axisDeg: { p: number; qrs: number; t: number };
  beats: number[];
  quality: Record<string, { ok: boolean; issues: string[] }>;
  verdict: string;
  reasons: Record<string, string>;
}

const samples = ['00001_hr', '00008_hr', '00017_hr'];

async function cliMeasure(): Promise<Map<string, CliMeasurement>> {
  const files = samples.map((s) => path.join('resources', 'samples', 'ptbxl', `${s}.hea`));
  const stdout = await cli('measure', '--json', ...files);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as CliMeasurement);
  return new Map(lines.map((m, i) => [samples[i] as string, m]));
}

const number = async (locator: Locator, attribute: string) => Number(await locator.getAttribute(attribute));

/** Screenshot of the whole viewer: the window grows for tall pages (the viewer scrolls inside the app). */
async function shoot(page: Page, name: string): Promise<void> {
  const height = await page.getByTestId('ecg-plot').evaluate((n) => n.scrollHeight);
  if (height > 900) await page.setViewportSize({ width: 1400, height: height + 120 });
  await page.getByTestId('ecg-plot').screenshot({ path: artifactPath(name) });
  await page.setViewportSize({ width: 1400, height: 1000 });
}

async function openSample(page: Page, name: string): Promise<void> {
  const row = page.getByTestId('record-row').filter({ hasText: name });
  const id = await row.getAttribute('data-record-id');
  await row.click();
  await page.locator(`[data-testid="ecg-plot"][data-record-id="${id ?? ''}"] [data-testid="measure-hr"]`).waitFor();
  await page.getByTestId('ecg-paper').waitFor();
}

describe('browser mode: the clinical viewer', () => {
  let app: RunningApp;
  let page: Page;
  let measured: Map<string, CliMeasurement>;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-viewer-'));
  const paper = () => page.getByTestId('ecg-paper');

  beforeAll(async () => {
    [app, measured] = await Promise.all([launchApp({ dataDir }), cliMeasure()]);
    page = app.page;
    await page.getByTestId('record-row').first().waitFor();
    await openSample(page, '00001_hr');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('draws a 3×4 page with continuous time, a lead II rhythm strip, calibration pulses and the settings printed', async () => {
    expect(await paper().getAttribute('data-layout')).toBe('3x4');
    const cells = await page.getByTestId('lead-trace').evaluateAll((nodes) =>
      nodes.map((n) => [n.getAttribute('data-lead'), Number(n.getAttribute('data-col')), Number(n.getAttribute('data-t0')), Number(n.getAttribute('data-t1'))]),
    );
    expect(cells).toEqual([
      ['I', 0, 0, 2.5], ['II', 0, 0, 2.5], ['III', 0, 0, 2.5],
      ['aVR', 1, 2.5, 5], ['aVL', 1, 2.5, 5], ['aVF', 1, 2.5, 5],
      ['V1', 2, 5, 7.5], ['V2', 2, 5, 7.5], ['V3', 2, 5, 7.5],
      ['V4', 3, 7.5, 10], ['V5', 3, 7.5, 10], ['V6', 3, 7.5, 10],
    ]);
    const rhythm = page.getByTestId('rhythm-trace');
    expect(await rhythm.getAttribute('data-lead')).toBe('II');
    const pxPerMm = await number(paper(), 'data-px-per-mm');
    const timeZero = await number(paper(), 'data-time-zero-px');
    expect(pxPerMm).toBeCloseTo(96 / 25.4, 6);
    // V4 starts 7.5 s (187.5 mm at 25 mm/s) after time zero, right above the same instant of the rhythm strip.
    const v4 = await page.locator('[data-lead="V4"] polyline').first().boundingBox();
    const strip = await rhythm.locator('polyline').first().boundingBox();
    const svg = await paper().boundingBox();
    expect((v4?.x ?? 0) - (svg?.x ?? 0)).toBeCloseTo(timeZero + 187.5 * pxPerMm, -0.5);
    expect(strip?.width).toBeGreaterThan(249 * pxPerMm);
    expect(await page.getByTestId('grid-minor').getAttribute('data-step-px')).toBe(String(pxPerMm));
    const pulses = await page.getByTestId('cal-pulse').evaluateAll((n) => n.map((p) => (p as SVGPathElement).getBBox().height));
    expect(pulses).toHaveLength(4);
    for (const h of pulses) expect(h).toBeCloseTo(10 * pxPerMm, 1);
    const settings = await page.getByTestId('tracing-settings').textContent();
    expect(settings).toMatch(/25 mm\/s\s+10 mm\/mV\s+Filter: 0\.05–150 Hz/);
    expect(await page.getByTestId('tracing-ruo').textContent()).toMatch(/Research use only/);
    await shoot(page, 'viewer-3x4.png');
  });

  it('shows the engine measurements, equal to `ecg measure` on the same file, with the QTc formula named', async () => {
    const expected = measured.get('00001_hr') as CliMeasurement;
    const hr = await number(page.getByTestId('measure-hr'), 'data-value');
    expect(hr).toBeGreaterThan(40);
    expect(hr).toBeLessThan(150);
    expect(Math.abs(hr - expected.heartRateBpm)).toBeLessThanOrEqual(0.05);
    expect(await page.getByTestId('measure-hr').textContent()).toContain(`${Math.round(hr)} bpm`);
    for (const [id, value] of [['pr', expected.prMs], ['qrs', expected.qrsMs], ['qt', expected.qtMs], ['axis-p', expected.axisDeg.p], ['axis-qrs', expected.axisDeg.qrs], ['axis-t', expected.axisDeg.t]] as const) {
      expect(Math.round(await number(page.getByTestId(`measure-${id}`), 'data-value')), id).toBe(value);
    }
    const qtc = page.getByTestId('measure-qtc');
    expect(await qtc.getAttribute('data-formula')).toBe('fridericia');
    expect(Math.round(await number(qtc, 'data-value'))).toBe(expected.qtcMs.fridericia);
    expect(await page.getByTestId('qtc-formula-text').textContent()).toMatch(/^Fridericia: QT \/ ∛RR/);
    await page.getByTestId('qtc-formula').selectOption('bazett');
    await expect.poll(async () => Math.round(await number(qtc, 'data-value'))).toBe(expected.qtcMs.bazett);
    expect(await page.getByTestId('qtc-formula-text').textContent()).toMatch(/^Bazett/);
    // The statements' QTc is Framingham's, whichever formula is read here: said beside it, and not when Framingham is read.
    expect(await page.getByTestId('qtc-statement-formula').textContent()).toBe('Statements use Framingham’s QTc');
    await page.getByTestId('qtc-formula').selectOption('framingham');
    await expect.poll(() => page.getByTestId('qtc-statement-formula').count()).toBe(0);
    await page.getByTestId('qtc-formula').selectOption('fridericia');
    expect(await page.getByTestId('quality-verdict').getAttribute('data-verdict')).toBe(expected.verdict);
    // Every detected beat is marked above the tracing, at its time.
    const marks = await page.getByTestId('beat-marker').evaluateAll((n) => n.map((m) => Number(m.getAttribute('data-time-s'))));
    expect(marks.map((t) => Math.round(t * 500))).toEqual(expected.beats);
    // The median beats the intervals came from, with the boundaries drawn: they give back PR, QRS and QT.
    await page.getByTestId('median-beats-toggle').locator('summary').click();
    expect(await page.getByTestId('median-beat').evaluateAll((n) => n.map((p) => p.getAttribute('data-lead')))).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    const at = Object.fromEntries(await page.getByTestId('median-fiducial').evaluateAll((n) => n.map((f) => [f.getAttribute('data-fiducial'), Number(f.getAttribute('data-index'))]))) as Record<string, number>;
    const msBetween = (a: string, b: string) => Math.round((((at[b] ?? Number.NaN) - (at[a] ?? Number.NaN)) * 1000) / 500);
    expect([msBetween('pOnset', 'qrsOnset'), msBetween('qrsOnset', 'qrsOffset'), msBetween('qrsOnset', 'tEnd')]).toEqual([expected.prMs, expected.qrsMs, expected.qtMs]);
    await page.getByTestId('measurements').screenshot({ path: artifactPath('viewer-measurements.png') });
    await page.getByTestId('median-beats-toggle').locator('summary').click();
  });

  it('flags each lead with its signal-quality issues and grades the record, as the engine does', async () => {
    await openSample(page, '00008_hr');
    const expected = measured.get('00008_hr') as CliMeasurement;
    expect(await page.getByTestId('quality-verdict').getAttribute('data-verdict')).toBe(expected.verdict);
    const badges = await page.getByTestId('lead-trace').getByTestId('lead-quality').evaluateAll((n) => n.map((b) => [b.getAttribute('data-lead'), b.getAttribute('data-ok') === 'true']));
    expect(badges).toEqual(Object.entries(expected.quality).map(([lead, q]) => [lead, q.ok]));
    expect(await page.locator('[data-testid="lead-trace"][data-lead="III"] [data-testid="lead-quality"]').textContent()).toMatch(/baseline wander/);
    await shoot(page, 'viewer-quality-flags.png');
  });

  it('shows a value the engine could not measure as a dash with the engine’s reason', async () => {
    // Atrial flutter at 150 bpm: no P wave to measure a PR from.
    await openSample(page, '00017_hr');
    const expected = measured.get('00017_hr') as CliMeasurement;
    expect(expected.prMs).toBeNull();
    const pr = page.getByTestId('measure-pr');
    expect(await pr.getAttribute('data-value')).toBe('');
    expect(await pr.getAttribute('data-null-reason')).toBe(expected.reasons.prMs);
    expect(await pr.textContent()).toContain(`— ${expected.reasons.prMs}`);
    expect(await page.getByTestId('measure-axis-p').getAttribute('data-null-reason')).toBe(expected.reasons['axisDeg.p']);
    await openSample(page, '00001_hr');
  });

  it('switches layout, paper speed and gain', async () => {
    await page.getByTestId('viewer-layout').selectOption('6x2');
    await expect.poll(() => paper().getAttribute('data-layout')).toBe('6x2');
    expect(await page.getByTestId('rhythm-trace').count()).toBe(0);
    expect(await page.locator('[data-testid="lead-trace"][data-lead="V1"]').getAttribute('data-t0')).toBe('5');
    await shoot(page, 'viewer-6x2.png');
    await page.getByTestId('viewer-layout').selectOption('12x1');
    await expect.poll(() => paper().getAttribute('data-layout')).toBe('12x1');
    const rows = await page.getByTestId('lead-trace').evaluateAll((n) => n.map((c) => [c.getAttribute('data-lead'), c.getAttribute('data-row'), c.getAttribute('data-t1')]));
    expect(rows.map(([lead]) => lead)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(rows.every(([, , t1]) => t1 === '10')).toBe(true);

    const width25 = (await paper().boundingBox())?.width ?? 0;
    await page.getByTestId('viewer-speed').selectOption('50');
    await expect.poll(() => paper().getAttribute('data-speed')).toBe('50');
    const pxPerMm = await number(paper(), 'data-px-per-mm');
    // 10 s is 500 mm at 50 mm/s instead of 250 mm: the page grows by 250 mm (+ 5 mm wider pulse area).
    expect(((await paper().boundingBox())?.width ?? 0) - width25).toBeCloseTo(255 * pxPerMm, -1);
    await page.getByTestId('viewer-speed').selectOption('25');
    await page.getByTestId('viewer-gain').selectOption('20');
    await expect.poll(() => paper().getAttribute('data-gain')).toBe('20');
    const pulse = await page.getByTestId('cal-pulse').first().evaluate((p) => (p as SVGPathElement).getBBox().height);
    expect(pulse).toBeCloseTo(20 * pxPerMm, 1);
    expect(await page.getByTestId('tracing-settings').textContent()).toMatch(/25 mm\/s\s+20 mm\/mV/);
    await shoot(page, 'viewer-12x1-20mm-mV.png');
    await page.getByTestId('viewer-gain').selectOption('10');
    await page.getByTestId('viewer-zoom-in').click();
    await expect.poll(async () => number(paper(), 'data-px-per-mm')).toBeCloseTo(1.25 * pxPerMm, 6);
    expect(await page.getByTestId('viewer-zoom').textContent()).toBe('125 %');
    await page.getByTestId('viewer-zoom-out').click();
    await page.getByTestId('viewer-layout').selectOption('3x4');
  });

  it('applies display filters in the engine and labels them on the tracing', async () => {
    const points = () => page.locator('[data-lead="I"] polyline').first().getAttribute('points');
    const diagnostic = await points();
    await page.getByTestId('filter-highpass').selectOption({ label: 'off' });
    await page.getByTestId('filter-lowpass').selectOption({ label: 'off' });
    await expect.poll(() => page.getByTestId('tracing-settings').getAttribute('data-filter')).toBe('no filter (as recorded)');
    const raw = await points();
    expect(raw).not.toBe(diagnostic);
    await page.getByTestId('filter-highpass').selectOption({ label: '0.5 Hz' });
    await page.getByTestId('filter-lowpass').selectOption({ label: '40 Hz' });
    await page.getByTestId('filter-notch').selectOption({ label: '50 Hz' });
    await expect.poll(() => page.getByTestId('tracing-settings').getAttribute('data-filter')).toBe('0.5–40 Hz · 50 Hz notch');
    expect(await page.getByTestId('tracing-remarks').textContent()).toMatch(/ST segments/);
    expect(await points()).not.toBe(raw);
    await shoot(page, 'viewer-filter-0.5-40-notch.png');
    await page.getByTestId('filter-highpass').selectOption({ label: '0.05 Hz' });
    await page.getByTestId('filter-lowpass').selectOption({ label: '150 Hz' });
    await page.getByTestId('filter-notch').selectOption({ label: 'off' });
    await expect.poll(() => page.getByTestId('tracing-settings').getAttribute('data-filter')).toBe('0.05–150 Hz');
    expect(await points()).toBe(diagnostic);
  });

  it('measures an RR interval and an amplitude with the calipers, by mouse and by keyboard', async () => {
    const pxPerMm = await number(paper(), 'data-px-per-mm');
    const timeZero = await number(paper(), 'data-time-zero-px');
    await paper().scrollIntoViewIfNeeded();
    const box = (await paper().boundingBox()) as { x: number; y: number };
    const beats = await page.getByTestId('beat-marker').evaluateAll((n) => n.map((m) => Number(m.getAttribute('data-time-s'))));
    const [b1, b2] = [beats[2] as number, beats[3] as number];
    const x = (t: number) => box.x + timeZero + t * 25 * pxPerMm;
    const y0 = box.y + 60 * pxPerMm;
    await page.mouse.move(x(b1), y0);
    await page.mouse.down();
    await page.mouse.move(x(b2), y0 - 10 * pxPerMm, { steps: 6 });
    await page.mouse.up();
    const readout = page.getByTestId('caliper-readout');
    const rrMs = (b2 - b1) * 1000;
    // A mouse position is a whole CSS pixel: 1 px is 10.6 ms at 25 mm/s and 0.026 mV at 10 mm/mV.
    expect(Math.abs((await number(readout, 'data-dt-ms')) - rrMs)).toBeLessThan(11);
    expect(Math.abs((await number(readout, 'data-hr-bpm')) - 60000 / rrMs)).toBeLessThan(1);
    expect(Math.abs((await number(readout, 'data-dmv')) - 1)).toBeLessThan(0.03);
    expect(await readout.textContent()).toMatch(/Δt \d+ ms \(\d+ bpm\) · ΔV \+1\.\d\d mV/);
    await shoot(page, 'viewer-calipers.png');

    const surface = page.getByTestId('caliper-surface');
    await surface.focus();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('caliper').count()).toBe(0);
    await page.keyboard.press('Enter');
    expect(await number(readout, 'data-dt-ms')).toBeCloseTo(1000, 6);
    await page.keyboard.press('ArrowRight');
    expect(await number(readout, 'data-dt-ms')).toBeCloseTo(1040, 6);
    await page.keyboard.press('Escape');
  });

  it('enlarges one lead and restores the page, by click and by keyboard', async () => {
    await page.locator('[data-testid="lead-trace"][data-lead="V2"] [role="button"]').click();
    await expect.poll(() => paper().getAttribute('data-layout')).toBe('enlarged:V2');
    expect(await page.getByTestId('lead-trace').count()).toBe(1);
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo((2 * 96) / 25.4, 6);
    await shoot(page, 'viewer-enlarged-V2.png');
    await page.locator('[data-testid="lead-trace"][data-lead="V2"] [role="button"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => paper().getAttribute('data-layout')).toBe('3x4');
    expect(await page.getByTestId('research-use-only').isVisible()).toBe(true);
  });

  it('folds the worklist away and back, the tracing taking its width', async () => {
    const width = () => page.locator('#viewer').evaluate((n) => n.getBoundingClientRect().width);
    const before = await width();
    await page.getByTestId('worklist-fold').click();
    expect(await page.getByTestId('record-row').first().isVisible()).toBe(false);
    await expect.poll(width).toBeGreaterThan(before + 200);
    await page.getByTestId('worklist-fold').click();
    await page.getByTestId('record-row').first().waitFor();
    await expect.poll(width).toBe(before);
  });

  it('prints the open record on one A4 page at true scale with identification, settings and the research-use label, audited', async () => {
    await openSample(page, '00001_hr');
    await page.getByTestId('viewer-zoom-in').click();
    const zoomed = (1.25 * 96) / 25.4;
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo(zoomed, 6);
    // Each print is reported to the engine without waiting for its answer: the audit trail is read once both are answered.
    const reports = channelRequests(page, 'records:printed');
    // The events the browser raises around any print (button, Ctrl+P, menu); a print dialog cannot be driven headless.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo(96 / 25.4, 6);
    await page.emulateMedia({ media: 'print' });
    const header = page.getByTestId('print-header');
    expect(await header.isVisible()).toBe(true);
    expect(await header.textContent()).toMatch(/record \d+ · 00001_hr\.hea.*Printed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC[+−]\d{2}:\d{2} from Einthoven v\d.*Research use only — not for diagnostic use/s);
    for (const id of ['viewer-toolbar', 'predict-run', 'import-files', 'nav-finetune']) expect(await page.getByTestId(id).isVisible(), id).toBe(false);
    expect(await page.getByTestId('record-row').first().isVisible()).toBe(false);
    // No prediction yet: the prediction panel has nothing to put on paper.
    expect(await page.getByTestId('predictions').isVisible()).toBe(false);
    for (const id of ['tracing-settings', 'tracing-ruo', 'print-measurements', 'print-reading']) expect(await page.getByTestId(id).isVisible(), id).toBe(true);
    // On paper the panels give way to a few summary lines, so the page stays one sheet.
    for (const id of ['measurements', 'overread']) expect(await page.getByTestId(id).isVisible(), id).toBe(false);
    expect(await page.getByTestId('print-measurements').textContent()).toMatch(/HR \d+ bpm · RR \d+ ms · PR .* · QTc \d+ ms \((Fridericia|Bazett)/);
    await page.screenshot({ path: artifactPath('print-preview.png'), fullPage: true });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo(zoomed, 6);

    // Chromium's own print to PDF runs the same cycle: true scale while capturing, the zoom back after.
    const pdf = (await page.pdf({ path: artifactPath('print.pdf'), preferCSSPageSize: true, printBackground: true })).toString('latin1');
    await page.emulateMedia({ media: 'screen' });
    expect(pdf).toMatch(/\/MediaBox \[0 0 841\.\d+ 59[45]\.\d+\]/); // A4 landscape, in points
    expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(1);
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo(zoomed, 6);
    await page.getByTestId('viewer-zoom-out').click();

    await expect.poll(() => reports.requests.length).toBe(2);
    reports.stop();
    await Promise.all(reports.requests.map((request) => request.response()));
    const printed = (await cli('audit', '--json', '--action', 'record.printed', '--data-dir', dataDir)).trim().split('\n').map((l) => JSON.parse(l) as { actor: string; subject: string; details: Record<string, unknown> });
    expect(printed).toHaveLength(2);
    for (const entry of printed) expect(entry).toMatchObject({ actor: 'user', subject: expect.stringMatching(/^record:\d+$/), details: { layout: '3x4', speedMmS: 25, gainMmMv: 10, filter: '0.05–150 Hz' } });
    expect(await cli('audit', '--verify', '--data-dir', dataDir)).toMatch(/^OK: \d+ entries, \d+ hash-chained/);
  });

  it('exports the open record de-identified into the data folder, readable by the CLI', async () => {
    await openSample(page, '00001_hr');
    expect(await page.getByTestId('export-deidentify').isChecked()).toBe(true);
    await page.getByTestId('export-run').click();
    const outcome = page.getByTestId('export-outcome');
    await outcome.waitFor();
    const files = ((await outcome.textContent()) ?? '').replace(/^Saved /, '').replace(/ \(.*\)$/, '').split(', ');
    expect(files.map((f) => path.dirname(f))).toEqual([path.join(dataDir, 'exports'), path.join(dataDir, 'exports')]);
    expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^record-\d+-deidentified\.hea$/), expect.stringMatching(/^record-\d+-deidentified\.dat$/)]);
    const inspected = JSON.parse(await cli('inspect', files[0] as string, '--json')) as { fs: number; nSamples: number; leads: string[]; patient: object; statements: string[] };
    expect(inspected).toMatchObject({ fs: 500, nSamples: 5000, statements: [] });
    expect(inspected.leads).toHaveLength(12);
    expect(inspected.patient).not.toHaveProperty('id');
    expect(inspected.patient).not.toHaveProperty('name');
  });

  it('calibrates the screen so a paper millimetre is a real one, keeps it across a reload, and still prints exactly', async () => {
    const nominal = 96 / 25.4;
    await page.getByTestId('calibrate-open').click();
    expect(Number(await page.getByTestId('calibrate-ruler').getAttribute('data-length-px'))).toBeCloseTo(100 * nominal, 6);
    // This "monitor" shows the 100 mm bar 80 mm long: everything must be drawn 1.25 times larger.
    await page.getByTestId('calibrate-measured').fill('80');
    await page.getByTestId('calibrate-save').click();
    await expect.poll(() => number(paper(), 'data-px-per-mm')).toBeCloseTo(1.25 * nominal, 6);
    expect(Number(await page.getByTestId('calibrate-ruler').getAttribute('data-length-px'))).toBeCloseTo(125 * nominal, 6);
    await page.reload();
    await paper().waitFor();
    await expect.poll(() => number(paper(), 'data-px-per-mm')).toBeCloseTo(1.25 * nominal, 6);
    // Paper from a printer is exact: the calibration is for the screen only.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    expect(await number(paper(), 'data-px-per-mm')).toBeCloseTo(nominal, 6);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.getByTestId('calibrate-open').click();
    await page.getByTestId('calibrate-reset').click();
    await expect.poll(() => number(paper(), 'data-px-per-mm')).toBeCloseTo(nominal, 6);
  });

  it('makes no request anywhere but its own local bridge', () => {
    expect(app.requests.filter((url) => new URL(url).origin !== app.origin)).toEqual([]);
  });
});
