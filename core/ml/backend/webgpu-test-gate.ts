import { probeAdapters } from './webgpu-adapter';

/** CI sets this to 1: there a missing adapter fails the suite instead of skipping the webgpu tests. */
export const requireWebgpuSetting = 'EINTHOVEN_REQUIRE_WEBGPU';

/** The Debian packages Dawn's OpenGL ES backend needs for Mesa's software adapter (README, .ci/run). */
export const softwareAdapterPackages = 'libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri';

let gate: Promise<boolean> | undefined;

/**
 * Whether the webgpu tests can run here (any adapter, software included). Where none can be
 * created they are skipped with one line saying why — unless EINTHOVEN_REQUIRE_WEBGPU=1, where
 * that is an error.
 */
export function webgpuTestsCanRun(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  gate ??= (async () => {
    let reason: string;
    try {
      const probe = await probeAdapters();
      if (probe.found) return true;
      reason = `no WebGPU adapter (${probe.notes.join('; ')})`;
    } catch (error) {
      reason = `dawn.node does not load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
    if (env[requireWebgpuSetting] === '1') {
      throw new Error(`${requireWebgpuSetting}=1 but ${reason}; install the software adapter: apt-get install ${softwareAdapterPackages}`);
    }
    console.warn(`webgpu tests skipped: ${reason} (apt-get install ${softwareAdapterPackages} gives a software adapter)`);
    return false;
  })();
  return gate;
}
