import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../core/formats/crc';
import { fixturePath, sharedData, sharedDataPath } from '../core/test/shared-data';
import { appForSuite, artifactPath, cli, runPrediction } from './app';

/**
 * One printed page per ECG, checked the way a reader gets it: Chromium's print to PDF, rendered
 * to PNG by poppler (pdftoppm) and its text read back (pdftotext). Files whose statements are long
 * (GE MUSE), a Philips cart export and a CinC record with SNOMED CT diagnoses, the MUSE one with
 * an AI output and a signed reading on screen: each must print as exactly one landscape A4 page
 * carrying the patient's identifiers and the research-use label, with nothing cut at the bottom.
 */
const run = promisify(execFile);

interface RenderedPage {
  readonly width: number;
  readonly height: number;
  /** Grey levels, row by row. */
  readonly pixels: Uint8Array;
}

/** Renders every page of a PDF (PNG for the artifacts, PGM to read pixels) and extracts its text per page. */
async function renderPdf(pdf: Buffer, name: string): Promise<{ pages: RenderedPage[]; text: string[]; pngs: string[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-print-'));
  const file = path.join(dir, 'page.pdf');
  writeFileSync(file, pdf);
  // PNGs of an earlier run (with another page count) must not be counted as this one's.
  const artifacts = path.dirname(artifactPath('x'));
  for (const old of readdirSync(artifacts).filter((f) => f.startsWith(`${name}-page`))) rmSync(path.join(artifacts, old));
  await run('pdftoppm', ['-r', '60', '-png', file, artifactPath(`${name}-page`)]);
  await run('pdftoppm', ['-r', '30', '-gray', file, path.join(dir, 'page')]);
  const pgms = readdirSync(dir).filter((f) => f.endsWith('.pgm')).sort();
  const pages = pgms.map((f) => readPgm(readFileSync(path.join(dir, f))));
  const text = (await run('pdftotext', ['-layout', file, '-'])).stdout.split('\f').filter((t) => t.trim() !== '');
  const pngs = readdirSync(artifacts).filter((f) => f.startsWith(`${name}-page`));
  return { pages, text, pngs };
}

/** Binary PGM (P5): "P5 width height maxval" then one byte per pixel. */
function readPgm(bytes: Buffer): RenderedPage {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const [all, width, height] = header;
  return { width: Number(width), height: Number(height), pixels: bytes.subarray(all.length) };
}

/** Share of non-white pixels in the rows [from, to) of the page (fractions of its height). */
function inkIn(page: RenderedPage, from: number, to: number): number {
  let ink = 0;
  const rows = [Math.floor(page.height * from), Math.floor(page.height * to)] as const;
  for (let y = rows[0]; y < rows[1]; y++) for (let x = 0; x < page.width; x++) if ((page.pixels[y * page.width + x] as number) < 200) ink++;
  return ink / Math.max(1, (rows[1] - rows[0]) * page.width);
}

async function importAndOpen(page: Page, files: string[]): Promise<void> {
  const name = path.basename(files[0] as string);
  await page.getByTestId('import-files').setInputFiles(files.map((f) => ({ name: path.basename(f), mimeType: 'application/octet-stream', buffer: readFileSync(f) })));
  // The import opens what it imported; wait for that record's measurements (they are printed too).
  const row = page.getByTestId('record-row').filter({ hasText: name });
  await row.waitFor();
  const id = (await row.getAttribute('data-record-id')) ?? '';
  await page.locator(`[data-testid="ecg-plot"][data-record-id="${id}"] [data-testid="measure-hr"]`).waitFor();
  await page.getByTestId('ecg-paper').waitFor();
}

/**
 * The MUSE export with the first sample of its first rhythm lead one unit different (its CRC32 recomputed), so the
 * import takes it for another recording, not a duplicate of the example.
 */
function anotherRecording(xml: string): string {
  const rhythm = xml.indexOf('<WaveformType>Rhythm</WaveformType>');
  const lead = /<LeadDataCRC32>(\d+)<\/LeadDataCRC32>\s*<WaveFormData>([^<]+)<\/WaveFormData>/.exec(xml.slice(rhythm));
  if (rhythm < 0 || !lead) throw new Error('no rhythm lead in the MUSE example');
  const bytes = Buffer.from((lead[2] ?? '').replace(/\s+/g, ''), 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  const changed = `<LeadDataCRC32>${crc32(bytes)}</LeadDataCRC32>\n<WaveFormData>${bytes.toString('base64')}</WaveFormData>`;
  return xml.slice(0, rhythm) + xml.slice(rhythm).replace(lead[0], changed);
}

async function printed(page: Page, name: string) {
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const rendered = await renderPdf(pdf, name);
  expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 841\.\d+ 59[45]\.\d+\]/); // A4 landscape
  return rendered;
}

function expectOnePage(result: Awaited<ReturnType<typeof printed>>, identifiers: RegExp[]): void {
  expect(result.pages).toHaveLength(1);
  expect(result.pngs).toHaveLength(1);
  const [page] = result.pages as [RenderedPage];
  expect(page.width / page.height).toBeCloseTo(297 / 210, 1);
  // The tracing's grid fills the upper part; the bottom margin stays white (nothing was cut off).
  expect(inkIn(page, 0.2, 0.6)).toBeGreaterThan(0.2);
  expect(inkIn(page, 0.975, 1)).toBeLessThan(0.002);
  const text = result.text.join('\n');
  for (const pattern of [...identifiers, /Research use only — not for diagnostic use/, /Automatic measurements/, /Unconfirmed|Physician reading/, /sheet 1 of 1/]) expect(text).toMatch(pattern);
}

// The bundled PTB-XL sample and the committed Philips export (MIT) print always. The GE MUSE examples are GPL-3 (EGM)
// and stay in ../shared, as does CinC JS20000: those tests skip where ../shared is absent (a fresh clone).
describe('printing real cart exports: one page each, identified', () => {
  let page: Page;
  appForSuite((app) => {
    page = app.page;
  });

  it.runIf(sharedData)('prints the GE MUSE sinus example, with its long statements, an AI output and a signed reading, on one page with its identifiers', async () => {
    await importAndOpen(page, [sharedDataPath('ecg', 'muse-xml', 'muse-sinus.xml')]);
    await runPrediction(page);
    await page.getByTestId('prediction-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('overread-statement-input').fill('SR — sinus rhythm');
    await page.getByTestId('overread-statement-input').press('Enter');
    await page.getByTestId('overread-note').fill('Compared with the previous tracing: no significant change. '.repeat(12));
    await page.getByTestId('overread-reader').fill('Dr. Print');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    // The printed summary reads the signed reading back once the list refreshes; print after it has.
    await expect.poll(() => page.getByTestId('print-reading').textContent()).toMatch(/Dr\. Print/);
    const result = await printed(page, 'print-muse-sinus');
    expectOnePage(result, [/JOHN DOE/, /ID 081486213/, /born 1979-07-08/, /muse-sinus\.xml/]);
    const text = result.text.join('\n');
    expect(text).toMatch(/Anterior infarct/);
    expect(text).toMatch(/AI output, research use only/);
    expect(text).toMatch(/Physician reading — Dr\. Print/);
    // The signed note printed whole (it was cut at two lines), the page still one sheet.
    expect(text.replace(/\s+/g, ' ').match(/no significant change\./g)).toHaveLength(12);
    expect(text).toMatch(/HR \d+ bpm/);
    // The densest page (long statements in the file, an AI output, a long note) keeps the computed statements' cautions too.
    expect(text.replace(/\s+/g, ' ')).toMatch(/Borderline prolonged QTc \[1\].*\[1\] borderline: QTc \(Framingham\) \d+ ms/);
  });

  it('prints an amended reading as amended, whose reading it supersedes, and the AI output with thresholds, its unvalidated flags said so', async () => {
    // The bundled first-degree AV block sample, read by the CPSC-class demonstration model: its IAVB found none of
    // the locked test's one positive case, and its LBBB had none.
    const row = page.getByTestId('record-row').filter({ hasText: '00102_hr' });
    const id = (await row.getAttribute('data-record-id')) ?? '';
    await row.click();
    await page.locator(`[data-testid="overread"][data-record-id="${id}"][data-state="ready"]`).waitFor();
    const cpsc = await page.getByTestId('model-select').locator('option[value^="xresnet1d50-cpsc-classes-demo@"]').getAttribute('value');
    await runPrediction(page, cpsc ?? '');
    const classes = page.getByTestId('prediction-class');
    const shown = await classes.evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-class'), r.getAttribute('data-decision'), r.getAttribute('data-unvalidated')]));
    // A flag is unvalidated exactly for IAVB and LBBB; IAVB is flagged on this record (PR over 200 ms).
    for (const [name, decision, unvalidated] of shown) expect(unvalidated, name ?? '').toBe(String(decision === 'true' && (name === 'IAVB' || name === 'LBBB')));
    expect(shown).toContainEqual(['IAVB', 'true', 'true']);
    expect(await page.locator('[data-testid="prediction-class"][data-class="IAVB"] [data-testid="prediction-class-unvalidated"]').textContent()).toMatch(
      /^above threshold, not validated on the locked testlocked test found 0 of 1$/,
    );
    // Where the model and the rule-based statements (SR, 1AVB here) disagree, it is said: each flag no statement makes,
    // and never a class both agree on (IAVB) or one no rule speaks to (STD).
    const flaggedMapped = shown.filter(([name, decision]) => decision === 'true' && ['AF', 'LBBB', 'RBBB', 'PAC', 'PVC'].includes(name ?? '')).map(([name]) => name);
    const disagreement = page.getByTestId('prediction-disagreement');
    if (flaggedMapped.length > 0) {
      await expect.poll(() => disagreement.textContent()).toMatch(/^\s*Differs from the rule-based statements:/);
      for (const name of flaggedMapped) expect(await disagreement.textContent()).toMatch(new RegExp(`this model flags [^;]*\\(${name}\\); no statement says so`));
      expect(await disagreement.textContent()).not.toMatch(/IAVB|STD/);
    } else expect(await disagreement.count()).toBe(0);
    await page.getByTestId('prediction-result').screenshot({ path: artifactPath('prediction-unvalidated-flag.png') });
    // The history lists the same prediction as the table shows it: IAVB qualified, not a plain "flagged", under the model that produced it.
    const predictionId = (await page.getByTestId('prediction-result').getAttribute('data-prediction-id')) ?? '';
    const entry = page.locator(`[data-testid="prediction-history-row"][data-prediction-id="${predictionId}"]`);
    expect(await entry.getByTestId('prediction-history-outcome').textContent()).toMatch(/above threshold, not validated on the locked test: [^;]*\(IAVB\) \(locked test found 0 of 1\)/);
    expect(await entry.getByTestId('prediction-history-outcome').textContent()).not.toMatch(/^flagged: [^;]*IAVB/);
    // The model is named by the id `ecg predict` prints for it (its seal's, not the weights' hash): one identifier in the viewer, the history, on paper and in the terminal.
    const cliOutput = await cli('predict', '--model', 'starter-cpsc', path.join('resources', 'samples', 'ptbxl', '00102_hr.hea'));
    const cliModelId = /\((xresnet1d50-cpsc-classes-demo@[0-9a-f]{12}),/.exec(cliOutput)?.[1];
    expect(cliModelId).toBe(cpsc);
    expect(await page.getByTestId('prediction-model-id').textContent()).toBe(`model id ${cliModelId}`);
    expect(await entry.getByTestId('prediction-history-model').textContent()).toBe(`${cliModelId} (demonstration model) · F1-optimal thresholds tuned on validation`);

    await page.getByTestId('overread-statement-input').fill('1AVB');
    await page.getByTestId('overread-statement-input').press('Enter');
    await page.getByTestId('overread-reader').fill('Dr. First Reader');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    await page.getByTestId('overread-amend').click();
    await page.getByTestId('overread-statement-input').fill('SR');
    await page.getByTestId('overread-statement-input').press('Enter');
    await page.getByTestId('overread-reader').fill('Dr. Second Reader');
    await page.getByTestId('overread-sign').click();
    await expect.poll(() => page.getByTestId('print-reading').textContent()).toMatch(/Dr\. Second Reader/);

    const result = await printed(page, 'print-amended');
    expectOnePage(result, [/00102_hr/]);
    const text = result.text.join('\n').replace(/\s+/g, ' ');
    expect(text).toContain(`— ${cliModelId} (demonstration model), F1-optimal`);
    expect(text).toMatch(/Physician reading — Dr\. Second Reader, amended [^;]+; supersedes the reading by Dr\. First Reader of .+?: [^.;]+ \(1AVB\); [^.;]+ \(SR\)\. Superseded reading: [^.;]+ \(1AVB\)\./);
    expect(text).toMatch(/above threshold, not validated on the locked test First-degree AV block \(IAVB\) \d+\.\d % \(threshold 2\.4 %; locked test found 0 of 1\)/);
    expect(text).toMatch(/not flagged .*Atrial fibrillation \(AF\) [<\d.]+ % \(threshold 10\.5 %\)/);
    // Every class of the eight on paper, each with its threshold: none cut by the line's clamp.
    const ai = /AI output, research use only.*?\.(?= The AI output differs| Physician reading)/.exec(text)?.[0] ?? '';
    for (const name of ['AF', 'IAVB', 'LBBB', 'PAC', 'PVC', 'RBBB', 'SNR', 'STD']) expect(ai, name).toMatch(new RegExp(`\\b${name}\\)? [<>\\d.]+ % \\(threshold \\d+\\.\\d %`));
    expect(ai).not.toContain('…');
    // The disagreement with the computed statements is on paper too, on its own line.
    for (const name of flaggedMapped) expect(text).toMatch(new RegExp(`The AI output differs from the computed statements: [^.]*this model flags [^;]*\\(${name}\\); no statement says so`));
  });

  it('prints a Philips PageWriter export on one page', async () => {
    await importAndOpen(page, [fixturePath('formats', 'philips', '129DYPRG.XML')]);
    expectOnePage(await printed(page, 'print-philips'), [/129DYPRG\.XML/, /record \d+/]);
  });

  it('prints a signed reading too long for the page whole, on a second sheet that names the patient, its start under the tracing', async () => {
    // 60 findings in a 3,600-character note: the four lines under the tracing hold about a fifth of it.
    const findings = Array.from({ length: 60 }, (_, i) => `Finding ${i + 1} of 60: unchanged from the prior tracing.`);
    await page.getByTestId('overread-statement-input').fill('SR — sinus rhythm');
    await page.getByTestId('overread-statement-input').press('Enter');
    await page.getByTestId('overread-note').fill(findings.join('\n'));
    await page.getByTestId('overread-reader').fill('Dr. Long');
    await page.getByTestId('overread-sign').click();
    await page.getByTestId('overread-current').waitFor();
    await expect.poll(() => page.getByTestId('print-reading').textContent()).toMatch(/Dr\. Long/);
    const result = await printed(page, 'print-long-reading');
    // One line per finding runs past one more sheet: the reading takes the sheets it needs, each one identified.
    expect(result.pages.length).toBeGreaterThanOrEqual(2);
    const [first, ...rest] = result.text.map((t) => t.replace(/\s+/g, ' ')) as [string, ...string[]];
    expect(first).toMatch(/129DYPRG\.XML/);
    expect(first).toMatch(/Physician reading — Dr\. Long/);
    expect(first).toMatch(/continues, printed whole, on the next sheet/);
    expect(first).not.toMatch(/Finding 60 of 60/);
    // Numbered, so a loose sheet says where it belongs and that none is missing.
    result.text.forEach((sheet, i) => expect(sheet).toContain(`sheet ${i + 1} of ${result.text.length}`));
    for (const sheet of rest) {
      expect(sheet).toMatch(/ID 1112010721168bdc · record \d+ · 129DYPRG\.XML/);
      expect(sheet).toMatch(/continued: the physician's reading of the ECG on the first sheet/);
      expect(sheet).toMatch(/Research use only — not for diagnostic use/);
    }
    // Every finding, in order, with nothing cut at any sheet's foot.
    expect(rest[0]).toMatch(/Physician reading — Dr\. Long/);
    expect(rest.join(' ').match(/Finding \d+ of 60: unchanged from the prior tracing\./g)).toEqual(findings);
    for (const sheet of result.pages) expect(inkIn(sheet, 0.975, 1)).toBeLessThan(0.002);
    expect(inkIn(result.pages[0] as RenderedPage, 0.2, 0.6)).toBeGreaterThan(0.2);
  });

  it.runIf(sharedData)("prints a cart export whose own statements run past their three lines: the tracing's sheet stays one, the statements follow whole", async () => {
    // The MUSE example with its 18 statement fragments (one finding per line where flagged) eight times over, as a long
    // serial comparison can be: about 2,400 characters, past the three printed lines.
    const xml = readFileSync(sharedDataPath('ecg', 'muse-xml', 'muse-sinus.xml'), 'utf8');
    const statements = /<Diagnosis>[\s\S]*?<\/Diagnosis>/.exec(xml)?.[0] ?? '';
    const inner = statements.replace(/^<Diagnosis>|<\/Diagnosis>$/g, '');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-long-statements-'));
    const file = path.join(dir, 'muse-long-statements.xml');
    writeFileSync(file, anotherRecording(xml.replace(statements, `<Diagnosis>${inner.repeat(8)}</Diagnosis>`).replace(/081486213/g, '081486214')));
    await importAndOpen(page, [file]);
    const shown = await page.getByTestId('record-statement').allTextContents();
    expect(shown.length).toBe(6 * 8); // the example's six statements (its fragments joined into lines), eight times
    const result = await printed(page, 'print-long-statements');
    const [first, ...rest] = result.text.map((t) => t.replace(/\s+/g, ' ')) as [string, ...string[]];
    // The first sheet: the tracing, its start of the statements and the line saying where the rest is; nothing cut at its foot.
    expect(first).toMatch(/Statements in file: Normal Sinus rhythm/);
    expect(first).toMatch(/The file's statements are longer than these lines: printed whole on the next sheet\./);
    expect(first).toMatch(/Automatic measurements/);
    expect(first).toMatch(/Unconfirmed/);
    expect(inkIn(result.pages[0] as RenderedPage, 0.2, 0.6)).toBeGreaterThan(0.2);
    for (const sheet of result.pages) expect(inkIn(sheet, 0.975, 1)).toBeLessThan(0.002);
    // The sheets after: identified, and every statement whole, in the file's order (before: cut after three lines, with "…").
    expect(rest.length).toBeGreaterThanOrEqual(1);
    for (const sheet of rest) expect(sheet).toMatch(/ID 081486214 · born 1979-07-08 · record \d+ · muse-long-statements\.xml .* continued: the file's statements of the ECG on the first sheet, whole/);
    const continued = rest.join(' ').replace(/^.*?Statements in file \(as the recording device or the file states them; not the physician's reading\) /, '');
    let at = 0;
    for (const statement of shown) {
      const found = continued.indexOf(statement.replace(/\s+/g, ' ').trim(), at);
      expect(found, statement).toBeGreaterThanOrEqual(at);
      at = found;
    }
  });

  it.runIf(sharedData)('prints a CinC record on one page, its SNOMED CT diagnoses by name', async () => {
    await importAndOpen(page, [sharedDataPath('ecg', 'cinc2021', 'JS20000.hea'), sharedDataPath('ecg', 'cinc2021', 'JS20000.mat')]);
    const result = await printed(page, 'print-cinc');
    expectOnePage(result, [/JS20000\.hea/]);
    const flat = result.text.join('\n').replace(/\s+/g, ' ');
    expect(flat).toMatch(/premature atrial contraction \(PAC, SNOMED CT 284470004\)/);
    // A computed statement is printed with the caution the screen shows under it.
    expect(flat).toMatch(/Borderline short QTc \[1\]/);
    expect(flat).toMatch(/\[1\] borderline: QTc \(Framingham\) \d+ ms is within 25 ms of the 360 ms limit/);
  });
});
