import { describe, expect, it } from 'vitest';
import type { BackendReport, GpuAdapterReport } from '../../ml/backend/init';
import { printText } from './backend';

/** What a driver may say: a line break that would print a forged line of its own, and a clear-screen escape. */
const hostile = 'lost device\n  ok     webgpu\x1b[2J\u202e';
const escaped = 'lost device\\n  ok     webgpu\\u001b[2J\\u202e';

const adapter: GpuAdapterReport = {
  description: `llvmpipe ${hostile}`,
  vendor: `mesa${hostile}`,
  architecture: 'llvm',
  device: '',
  dawnBackend: 'vulkan',
  featureLevel: 'core',
  hardware: false,
  softwareReason: `a software rasteriser ${hostile}`,
  limits: { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupsPerDimension: 65535 },
};

const report: BackendReport = {
  active: 'wasm',
  tfBackend: 'wasm',
  tried: [
    { name: 'webgpu', ok: false, error: `no hardware adapter: ${hostile}`, adapter, dawnMessages: [`Warning: ${hostile}`] },
    { name: 'wasm', ok: true },
  ],
  notTried: [{ name: 'cpu', reason: 'wasm is preferred and started' }],
};

describe('ecg backend text output', () => {
  it("prints the driver's words (adapter names, Dawn's messages, load errors) escaped, each entry one line", () => {
    const lines: string[] = [];
    printText(report, (line) => lines.push(line));
    expect(lines).toHaveLength(6);
    for (const line of lines) for (const raw of ['\n', '\x1b', '\u202e']) expect(line).not.toContain(raw);
    expect(lines[1]).toContain(`failed webgpu — no hardware adapter: ${escaped}`);
    expect(lines[2]).toContain(`adapter found: llvmpipe ${escaped} (mesa${escaped} llvm)`);
    expect(lines[2]).toContain(`software — a software rasteriser ${escaped}`);
    expect(lines[3]).toBe(`         Dawn said: Warning: ${escaped}`);
  });
});
