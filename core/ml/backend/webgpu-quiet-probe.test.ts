import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dawnMessagesOf, probeOf } from './webgpu-quiet-probe';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const limits = { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupsPerDimension: 65535 };

describe('the adapter probe in a child process', () => {
  it("keeps Dawn's messages without their prefix and source locations", () => {
    const stderr = [
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
      '',
      'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
    ].join('\n');
    expect(dawnMessagesOf(stderr)).toEqual([
      "Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
      'maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
    ]);
  });

  it('reads the answers as the in-process probe reports them: a software rasteriser is software', () => {
    const probe = probeOf(
      [
        { backend: 'vulkan', featureLevel: 'core', error: 'no adapter' },
        { backend: 'opengles', featureLevel: 'compatibility', info: { vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6' }, isFallbackAdapter: false, limits },
      ],
      [],
    );
    expect(probe.notes).toEqual(['vulkan: no adapter', 'opengles: llvmpipe-llvm-15-0-6-256-bits (OpenGL ES 3.2 Mesa 22.3.6) (software)']);
    expect(probe.adapters).toEqual([expect.objectContaining({ dawnBackend: 'opengles', featureLevel: 'compatibility', hardware: false, limits })]);
  });

  it("a command that starts a backend leaves the user's stderr empty; ecg backend shows what Dawn said", async () => {
    // The CLI as `npm run ecg` runs it, choosing its backend as every computing command does.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['core/cli/npm-entry.mjs', 'backend', '--json'], { cwd: repoRoot, env: { ...process.env, EINTHOVEN_BACKEND: '' } });
    expect(stderr).toBe('');
    // Where Dawn said something (a missing Vulkan library, reduced limits), it is in the report instead.
    const report = JSON.parse(stdout) as { tried: { name: string; dawnMessages?: string[] }[] };
    for (const message of report.tried.flatMap((t) => t.dawnMessages ?? [])) expect(message).not.toMatch(/^Warning:|^\s*at /);
  }, 120_000);
});
