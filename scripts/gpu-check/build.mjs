// Builds the self-contained GPU check folder (default .tmp/gpu-check): this Node binary
// (xz), check.mjs (the engine's code and tfjs bundled by esbuild), Dawn's linux-x64 dawn.node
// (xz) with the `webgpu` package's loader, the Vulkan/EGL loader .debs (`apt-get download`), the
// PyTorch twins and run.sh. Refuses to finish over 60 MiB. Usage: node scripts/gpu-check/build.mjs [DIR]
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// --cpu-scaling builds the CPU-only folder of cpu-scaling.sh instead (default .tmp/cpu-scaling):
// no Dawn, no loaders, no check; the data-parallel step and its worker. Both at once would not
// fit the 64 MiB a device run carries.
const cpuScaling = process.argv.includes('--cpu-scaling');
const dirArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
const out = path.resolve(dirArg ?? path.join(root, cpuScaling ? '.tmp/cpu-scaling' : '.tmp/gpu-check'));
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
mkdirSync(path.join(out, 'app'), { recursive: true });

/** One bundle of the engine's code with tfjs: the check, the CPU scaling step and its worker thread. */
const bundle = (entry, outfile) => build({
  entryPoints: [path.join(root, entry)],
  outfile: path.join(out, 'app', outfile),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  // tfjs names GPU timings by the shader program's class: keep them readable in the profile.
  keepNames: true,
  logLevel: 'warning',
  // Bundled CommonJS (tfjs) calls require() for Node built-ins; tfjs-backend-wasm's Emscripten
  // loader reads __dirname.
  banner: {
    js: [
      "import { createRequire as __einthovenRequire } from 'node:module';",
      "import { fileURLToPath as __einthovenFile } from 'node:url';",
      "import { dirname as __einthovenDirname } from 'node:path';",
      'const require = __einthovenRequire(import.meta.url);',
      'const __filename = __einthovenFile(import.meta.url);',
      'const __dirname = __einthovenDirname(__filename);',
    ].join(' '),
  },
  // Dawn and onnxruntime load their native binaries from their own folders (copied below); the
  // wasm backend is bundled (one tfjs instance) and finds its .wasm files through setWasmPaths;
  // tfjs-node is never started by the check.
  external: ['webgpu', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
if (cpuScaling) {
  // The CPU engine's data-parallel training step (scripts/bench/parallel-step.ts) and the worker
  // thread it starts from beside itself (core/parallel/spawn.ts), an ES module like the app's own
  // dist-electron/parallel-worker.js.
  await bundle('scripts/bench/parallel-step.ts', 'parallel-step.mjs');
  await bundle('core/parallel/worker-main.ts', 'parallel-worker.js');
  writeFileSync(path.join(out, 'app/package.json'), '{ "type": "module" }\n');
} else {
  await bundle('scripts/gpu-check/check.ts', 'check.mjs');
}

// The CPU engine (wasm backend with the onnxruntime training kernels), timed on the GPU machine's
// host too: which of the two trains faster there decides nothing by itself, but it is evidence.
// Beside the bundles: tfjs-backend-wasm's loader looks in its module's folder (__dirname).
const wasmDist = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const file of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasmDist, file), path.join(out, 'app', file));
/** Copies `files` (relative to node_modules/<pkg>) of a package into the check's node_modules. */
function copyPackage(pkg, files) {
  for (const file of files) {
    const to = path.join(out, 'app/node_modules', pkg, file);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(root, 'node_modules', pkg, file), to);
  }
}
const filesUnder = (pkg, dir, keep) =>
  readdirSync(path.join(root, 'node_modules', pkg, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => path.relative(path.join(root, 'node_modules', pkg), path.join(e.parentPath ?? e.path, e.name)));
const ortBin = 'bin/napi-v6/linux/x64';
// GPU_CHECK_CPU_ENGINE=0 leaves onnxruntime out (12 MiB): the CPU stage then times wasm on tfjs's
// own kernels, and says so.
const withOnnxruntime = cpuScaling || process.env.GPU_CHECK_CPU_ENGINE !== '0';
if (withOnnxruntime) copyPackage('onnxruntime-node', ['package.json', ...filesUnder('onnxruntime-node', 'dist', (n) => n.endsWith('.js')), `${ortBin}/onnxruntime_binding.node`]);
if (withOnnxruntime) copyPackage('onnxruntime-common', ['package.json', ...filesUnder('onnxruntime-common', 'dist/cjs', (n) => n.endsWith('.js') || n === 'package.json')]);

if (!cpuScaling) {
  const webgpu = path.join(root, 'node_modules/webgpu');
  mkdirSync(path.join(out, 'app/node_modules/webgpu/dist/linux-x64'), { recursive: true });
  for (const file of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(path.join(webgpu, file), path.join(out, 'app/node_modules/webgpu', file));
  await xz(path.join(webgpu, 'dist/linux-x64/dawn.node'), path.join(out, 'app/node_modules/webgpu/dist/linux-x64/dawn.node.xz'));
  mkdirSync(path.join(out, 'debs'), { recursive: true });
  execFileSync('apt-get', ['download', ...debs], { cwd: path.join(out, 'debs'), stdio: ['ignore', 'ignore', 'inherit'] });
}
await xz(process.execPath, path.join(out, 'node.xz'));
if (withOnnxruntime) await xz(path.join(root, 'node_modules/onnxruntime-node', ortBin, 'libonnxruntime.so.1'), path.join(out, 'app/node_modules/onnxruntime-node', ortBin, 'libonnxruntime.so.1.xz'));

const scripts = cpuScaling
  ? [['scripts/gpu-check/cpu-scaling.sh', 'cpu-scaling.sh']]
  : [
      ['scripts/gpu-check/run.sh', 'run.sh'],
      ['scripts/gpu-check/torch_grid.py', 'torch_grid.py'],
      ['scripts/gpu-check/cpu_profile.py', 'cpu_profile.py'],
    ];
for (const [from, to] of [...scripts, ['scripts/gpu-check/README.md', 'README.md'], ['scripts/bench/torch_models.py', 'torch_models.py']]) copyFileSync(path.join(root, from), path.join(out, to));

const bytes = folderBytes(out);
const mib = (bytes / 2 ** 20).toFixed(1);
console.log(`${out}: ${mib} MiB (limit 60 MiB)`);
for (const entry of readdirSync(out)) {
  const full = path.join(out, entry);
  const size = statSync(full).isDirectory() ? folderBytes(full) : statSync(full).size;
  console.log(`  ${entry.padEnd(16)} ${(size / 2 ** 20).toFixed(1)} MiB`);
}
if (bytes >= limitBytes) {
  console.error(`the folder is ${mib} MiB, over the 60 MiB a device run can carry`);
  process.exit(1);
}
// A device run carries the repository's tracked files too, 64 MiB in all.
try {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 * 2 ** 20 }).toString().split('\0').filter(Boolean);
  const trackedBytes = tracked.reduce((sum, f) => sum + (statSync(path.join(root, f), { throwIfNoEntry: false })?.size ?? 0), 0);
  const total = (bytes + trackedBytes) / 2 ** 20;
  console.log(`with the repository's tracked files: ${total.toFixed(1)} MiB of the 64 MiB a device run carries`);
  if (total >= 64) console.error('over 64 MiB: build with GPU_CHECK_CPU_ENGINE=0 (leaves onnxruntime out)');
} catch {
  // Not a git checkout: nothing to add.
}
