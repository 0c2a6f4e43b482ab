import { execFileSync, spawnSync } from 'node:child_process';

/**
 * PyTorch for the distributed-engine tests (distributed/einthoven_ddp). `/usr/bin/python3` has
 * Debian's python3-torch where it is installed (`apt-get install python3-torch`); EINTHOVEN_PYTHON
 * names another interpreter. The tests run only when torch imports — except where
 * EINTHOVEN_REQUIRE_TORCH=1 (CI), where a missing torch is a failure, never a silent skip.
 */
export const pythonExecutable = process.env.EINTHOVEN_PYTHON ?? '/usr/bin/python3';

function probeTorch(): string | undefined {
  const probe = spawnSync(pythonExecutable, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

export const torchVersion = probeTorch();
export const torchAvailable = torchVersion !== undefined;

if (!torchAvailable) {
  if (process.env.EINTHOVEN_REQUIRE_TORCH === '1') throw new Error(`EINTHOVEN_REQUIRE_TORCH=1 but ${pythonExecutable} cannot import torch and numpy`);
  console.warn(`PyTorch round-trip tests skipped: ${pythonExecutable} cannot import torch (apt-get install python3-torch, or set EINTHOVEN_PYTHON)`);
}

/** Runs `python -m einthoven_ddp …` from distributed/; throws with its stderr on failure. */
export function runEinthovenDdp(repoRoot: string, args: readonly string[], timeoutMs = 300_000): string {
  return execFileSync(pythonExecutable, ['-m', 'einthoven_ddp', ...args], { cwd: `${repoRoot}/distributed`, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}
