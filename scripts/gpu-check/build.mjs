// Builds the self-contained GPU check folder (default .tmp/gpu-check): this Node binary
// (xz), check.mjs (the engine's code and tfjs bundled by esbuild), Dawn's linux-x64 dawn.node
// (xz) with the `webgpu` package's loader, the Vulkan/EGL loader .debs (`apt-get download`), the
// PyTorch twins and run.sh. Refuses to finish over 60 MiB. Usage: node scripts/gpu-check/build.mjs [DIR]
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.argv[2] ?? path.join(root, '.tmp/gpu-check'));
const limitBytes = 60 * 2 ** 20;
/** What Dawn's Vulkan and OpenGL ES backends open at run time (gpu.md). */
const debs = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

/** xz -6 of a file into another, streamed (-9 takes minutes more on a busy machine for ~1 MB less). */
async function xz(from, to) {
  const child = spawn('xz', ['-6', '-T0', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const done = new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`xz exited ${code}`)))));
  await Promise.all([pipeline(createReadStream(from), child.stdin), pipeline(child.stdout, createWriteStream(to)), done]);
}

function folderBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? folderBytes(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'app/node_modules/webgpu/dist/linux-x64'), { recursive: true });
mkdirSync(path.join(out, 'debs'), { recursive: true });

await build({
  entryPoints: [path.join(root, 'scripts/gpu-check/check.ts')],
  outfile: path.join(out, 'app/check.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  // tfjs names GPU timings by the shader program's class: keep them readable in the profile.
  keepNames: true,
  logLevel: 'warning',
  // Bundled CommonJS (tfjs) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __einthovenRequire } from 'node:module'; const require = __einthovenRequire(import.meta.url);" },
  // Dawn loads its native binary from its own folder; the others are never started by the check.
  external: ['webgpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});

const webgpu = path.join(root, 'node_modules/webgpu');
for (const file of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(path.join(webgpu, file), path.join(out, 'app/node_modules/webgpu', file));
await xz(path.join(webgpu, 'dist/linux-x64/dawn.node'), path.join(out, 'app/node_modules/webgpu/dist/linux-x64/dawn.node.xz'));
await xz(process.execPath, path.join(out, 'node.xz'));

execFileSync('apt-get', ['download', ...debs], { cwd: path.join(out, 'debs'), stdio: ['ignore', 'ignore', 'inherit'] });

for (const [from, to] of [
  ['scripts/gpu-check/run.sh', 'run.sh'],
  ['scripts/gpu-check/README.md', 'README.md'],
  ['scripts/gpu-check/torch_grid.py', 'torch_grid.py'],
  ['scripts/gpu-check/cpu_profile.py', 'cpu_profile.py'],
  ['scripts/bench/torch_models.py', 'torch_models.py'],
]) copyFileSync(path.join(root, from), path.join(out, to));

const bytes = folderBytes(out);
const mib = (bytes / 2 ** 20).toFixed(1);
console.log(`${out}: ${mib} MiB (limit 60 MiB)`);
for (const entry of readdirSync(out)) {
  const full = path.join(out, entry);
  const size = statSync(full).isDirectory() ? folderBytes(full) : statSync(full).size;
  console.log(`  ${entry.padEnd(16)} ${(size / 2 ** 20).toFixed(1)} MiB`);
}
if (bytes >= limitBytes) {
  console.error(`the GPU check folder is ${mib} MiB, over the 60 MiB a device run can carry`);
  process.exit(1);
}
