import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { applyDriverEnvironment, dawnBackendsFor, reportOf, type DawnAdapterInfo, type GpuAdapterReport, type GpuLimits } from './webgpu-adapter';

/**
 * Looks for a GPU adapter in a child process, so that what Dawn's native code writes to the
 * process's stderr ("Warning: Couldn't load Vulkan: libvulkan.so.1 …", "… artificially reduced
 * …") is captured there instead of reaching the user's terminal on every command that starts a
 * backend: native code writes to file descriptor 2 directly, past anything JavaScript can
 * redirect, and Dawn has no switch to silence it. The engine loads Dawn in its own process only
 * once this says a usable adapter is there. What Dawn said is kept for the backend report
 * (`ecg backend`).
 */

/** What the child found: each usable adapter's report, one note per Dawn backend, and Dawn's own messages. */
export interface QuietProbe {
  readonly adapters: GpuAdapterReport[];
  readonly notes: string[];
  readonly dawnMessages: string[];
}

/** One Dawn backend's answer as the child prints it. */
interface ChildAnswer {
  readonly backend: string;
  readonly featureLevel: 'core' | 'compatibility';
  readonly error?: string;
  readonly info?: DawnAdapterInfo;
  readonly isFallbackAdapter?: boolean;
  readonly limits?: GpuLimits;
}

/**
 * The child: loads dawn.node, asks each backend for an adapter, prints JSON on stdout. Plain
 * JavaScript (it runs under bare node, not the TypeScript loader); the timer keeps the event loop
 * alive until Dawn's promises settle.
 */
const childScript = `
const { entry, backends } = JSON.parse(process.env.EINTHOVEN_DAWN_PROBE);
const alive = setInterval(() => {}, 100);
const keep = [];
const answers = [];
const { create } = await import(entry);
for (const { backend, featureLevel } of backends) {
  try {
    const gpu = create(['backend=' + backend]);
    keep.push(gpu);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel });
    if (!adapter) { answers.push({ backend, featureLevel, error: 'no adapter' }); continue; }
    const i = adapter.info;
    const l = adapter.limits;
    answers.push({ backend, featureLevel, isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? i.isFallbackAdapter),
      info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description },
      limits: { maxBufferSize: l.maxBufferSize, maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension } });
  } catch (error) {
    answers.push({ backend, featureLevel, error: String(error && error.message ? error.message : error) });
  }
}
clearInterval(alive);
process.stdout.write(JSON.stringify(answers));
process.exit(0);
`;

/** Dawn's stderr as message lines: its "Warning: " prefix and the source locations dropped. */
export function dawnMessagesOf(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '))
    .map((line) => line.replace(/^Warning:\s*/, ''));
}

/** The child's answers as adapter reports and notes, in the in-process probe's words. */
export function probeOf(answers: readonly ChildAnswer[], dawnMessages: string[]): QuietProbe {
  const adapters: GpuAdapterReport[] = [];
  const notes: string[] = [];
  for (const a of answers) {
    if (!a.info || !a.limits) {
      notes.push(`${a.backend}: ${a.error ?? 'no adapter'}`);
      continue;
    }
    const report = reportOf({ info: a.info, limits: a.limits, isFallbackAdapter: a.isFallbackAdapter ?? false }, a.backend as GpuAdapterReport['dawnBackend'], a.featureLevel);
    notes.push(`${a.backend}: ${report.description} (${report.hardware ? 'hardware' : 'software'})`);
    adapters.push(report);
  }
  return { adapters, notes, dawnMessages };
}

/**
 * Runs the probe in a child Node process. Rejects when the optional 'webgpu' package is not
 * installed or the child fails (the caller reports webgpu as unavailable, as when dawn.node
 * does not load in-process).
 */
export async function probeAdaptersQuietly(timeoutMs = 60_000): Promise<QuietProbe> {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  const env: NodeJS.ProcessEnv = { ...process.env, EINTHOVEN_DAWN_PROBE: JSON.stringify({ entry, backends: dawnBackendsFor(process.platform) }) };
  applyDriverEnvironment(env);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', childScript], { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, out, err) => {
      if (error) reject(new Error(`the adapter probe failed: ${dawnMessagesOf(String(err)).join('; ') || error.message}`));
      else resolve({ stdout: String(out), stderr: String(err) });
    });
  });
  return probeOf(JSON.parse(stdout) as ChildAnswer[], dawnMessagesOf(stderr));
}
