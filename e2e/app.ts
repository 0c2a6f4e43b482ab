/**
 * Test harness for the app: starts the real browser-mode server (built engine, real SQLite in
 * a temporary folder) and drives Debian's Chromium through playwright-core. Every request the
 * page makes is recorded so tests can prove the app talks only to its local bridge.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { findChromium } from '../scripts/chromium.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = path.join(repoRoot, 'test-results', 'e2e');

// Debian's, Playwright's or an installed Chrome (npm test checks first and says how to install one).
const chromiumPath = findChromium() ?? '/usr/bin/chromium';
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface RunningApp {
  readonly url: string;
  readonly origin: string;
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** The page's console errors from its first load on (a resource that failed to load among them), in order. */
  readonly consoleErrors: string[];
  /** The browser-mode server's process id (the engine process is its child). */
  readonly serverPid: number;
  close(): Promise<void>;
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`browser-mode server printed no URL:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`browser-mode server exited (${code}):\n${output}`)));
  });
}

/**
 * Starts server + browser on a fresh data folder (or the given one, e.g. with models already
 * trained into its models/ folder); the engine seeds the bundled samples. `env` adds to the
 * server's environment (and so the engine's), e.g. EINTHOVEN_POLICY_FILE.
 */
export async function launchApp(options: { readonly dataDir?: string; readonly env?: Readonly<Record<string, string>> } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'einthoven-e2e-'));
  const server = spawn(process.execPath, ['dist-electron/browser-server.js', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForUrl(server);
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const consoleErrors: string[] = [];
  page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(`${message.text()} (${message.location().url})`)));
  await page.goto(url);
  return {
    url,
    origin: new URL(url).origin,
    page,
    requests,
    consoleErrors,
    serverPid: server.pid ?? 0,
    async close() {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    },
  };
}

export interface SuiteAppOptions {
  /** The window's size, set before the worklist is waited for (launchApp opens 1400×1000). */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** How many worklist rows to wait for before the tests start (the bundled samples: 1 by default). */
  readonly rows?: number;
}

/**
 * The app for the tests of the enclosing describe: launched once before them (a fresh data folder),
 * the window sized to `viewport` where given, the worklist waited for until it shows `rows` rows,
 * then handed to `ready` (which keeps what the tests use of it, and may prepare more); closed after
 * the tests, even where the launch failed halfway.
 */
export function appForSuite(ready: (app: RunningApp) => void | Promise<void>, options: SuiteAppOptions = {}): void {
  let app: RunningApp | undefined;
  beforeAll(async () => {
    app = await launchApp();
    if (options.viewport) await app.page.setViewportSize(options.viewport);
    await app.page.getByTestId('record-row').nth((options.rows ?? 1) - 1).waitFor();
    await ready(app);
  });
  afterAll(async () => {
    await app?.close();
  });
}

const runCli = path.join(repoRoot, 'e2e', 'fixtures', 'run-cli.mjs');

/**
 * `ecg ARGS` from the repository root; resolves with its stdout, rejects with the exit code and
 * stderr. It runs the CLI `npm run build` bundled (dist-electron/cli.js, from the same source as
 * `npm run ecg`, built before these tests like the server they drive) under plain Node: the
 * source, run through tsx, is hundreds of modules loaded through its loader hooks on every call,
 * some three times the CPU.
 */
export async function cli(...args: string[]): Promise<string> {
  return (await promisify(execFile)(process.execPath, [runCli, ...args], { cwd: repoRoot })).stdout;
}

/**
 * The requests the page makes to one engine channel (e.g. 'records:printed') until `stop()`: for
 * a call the app makes without awaiting its answer, which a test waits for before reading what it wrote.
 */
export function channelRequests(page: Page, channel: string): { readonly requests: Request[]; stop(): void } {
  const requests: Request[] = [];
  const onRequest = (request: Request) => void (decodeURIComponent(request.url()).endsWith(`/api/invoke/${channel}`) && requests.push(request));
  page.on('request', onRequest);
  return { requests, stop: () => page.off('request', onRequest) };
}

export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

/**
 * Clicks "Allow reading this folder" in `scope` until the form names no folder left to allow,
 * as a user does before the engine may read a dataset (training and evaluation are confined
 * to allowed folders).
 */
export async function allowFolders(scope: Page | Locator): Promise<void> {
  const needs = scope.getByTestId('folder-need');
  // Bounded: each click allows a folder (and with it any other need inside it), or the test fails.
  for (let left = await needs.count(), clicks = 0; left > 0 && clicks < 10; left = await needs.count(), clicks++) {
    await needs.first().getByTestId('folder-allow').click();
    await expect.poll(() => needs.count()).toBeLessThan(left);
  }
}

/**
 * The fine-tuning form's base, name and data, from the navigation: the base model chosen, the
 * data folder and labels CSV filled in, and the folders the form then names allowed (the engine
 * reads only folders the user allowed). startHeadFinetune fills in the rest.
 */
export async function fillFinetuneData(page: Page, data: { readonly base: string; readonly name: string; readonly folder: string; readonly labels: string }): Promise<void> {
  await page.getByTestId('nav-finetune').click();
  await page.getByTestId('finetune-base').selectOption(data.base);
  await page.getByTestId('finetune-name').fill(data.name);
  await page.getByTestId('finetune-data').fill(data.folder);
  await page.getByTestId('finetune-labels').fill(data.labels);
  await expect.poll(() => page.getByTestId('folder-need').count()).toBeGreaterThan(0);
  await allowFolders(page);
}

/**
 * The rest of the fine-tuning form, once its base, name and data are filled in: the positive class,
 * the minimum training and validation examples where given, head mode and the epochs; then the
 * dataset check, and the start once the check finds the dataset ready.
 */
export async function startHeadFinetune(page: Page, settings: { readonly positiveClass: string; readonly epochs: number; readonly minExamples?: { readonly train: number; readonly val: number } }): Promise<void> {
  await page.getByTestId('finetune-class').fill(settings.positiveClass);
  if (settings.minExamples) {
    await page.getByTestId('finetune-min-train').fill(String(settings.minExamples.train));
    await page.getByTestId('finetune-min-val').fill(String(settings.minExamples.val));
  }
  await page.getByTestId('finetune-mode-head').check();
  await page.getByTestId('finetune-epochs').fill(String(settings.epochs));
  await page.getByTestId('finetune-check').click();
  await page.locator('[data-testid="dataset-check"][data-ready="true"]').waitFor();
  await page.getByTestId('finetune-start').click();
}

/**
 * Runs a model (the one chosen when `modelId` is not given) on the open record and resolves when
 * the panel shows the new stored prediction.
 * A failure shows as an alert in the panel: that text is reported instead of waiting out the poll.
 */
export async function runPrediction(page: Page, modelId?: string): Promise<void> {
  await page.locator('[data-testid="predictions"][data-state="ready"]').waitFor();
  const before = await page.getByTestId('prediction-history-row').count();
  if (modelId !== undefined) await page.getByTestId('model-select').selectOption(modelId);
  await page.getByTestId('predict-run').click();
  const outcome = async () => (await page.getByTestId('predictions').getByRole('alert').allTextContents()).join(' ') || (await page.getByTestId('prediction-history-row').count());
  await expect.poll(outcome, { timeout: 60_000 }).toBe(before + 1);
  await page.locator('[data-testid="predictions"][data-state="ready"]').waitFor();
}
