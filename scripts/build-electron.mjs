// Bundles the shell and the engine with esbuild into dist-electron/. Our own TypeScript is
// bundled; npm packages stay external (native modules and wasm files are loaded from
// node_modules at run time, and unpacked from the asar by electron-builder).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist-electron/main.js', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['core/engine/main.ts'], outfile: 'dist-electron/engine.js', format: 'esm', packages: 'external' }),
  // The engine's worker threads (core/parallel) load this file from beside engine.js (inside app.asar too).
  build({ ...common, entryPoints: ['core/parallel/worker-main.ts'], outfile: 'dist-electron/parallel-worker.js', format: 'esm', packages: 'external' }),
  // The import's decoding worker thread, self-contained (the readers' packages are pure JS), so it
  // loads the same way beside engine.js in dev, browser mode and the packaged app.
  build({
    ...common,
    entryPoints: ['core/engine/decode-worker.ts'],
    outfile: 'dist-electron/decode-worker.js',
    format: 'esm',
    // Bundled CommonJS packages (dicom-parser) require Node built-ins: give the ESM bundle a require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  }),
  // The app's backup (data:backup) runs on a thread of its own, loaded from beside engine.js like the one above.
  build({ ...common, entryPoints: ['core/storage/backup-worker.ts'], outfile: 'dist-electron/backup-worker.js', format: 'esm', packages: 'external' }),
  // The audit trail's whole verification (audit:head's first) on a thread of its own, loaded the same way.
  build({ ...common, entryPoints: ['core/db/audit-verify-worker.ts'], outfile: 'dist-electron/audit-verify-worker.js', format: 'esm', packages: 'external' }),
  // The `ecg` command line inside the installed app (`Einthoven --cli …`, electron/cli-mode.ts).
  build({ ...common, entryPoints: ['core/cli/run.ts'], outfile: 'dist-electron/cli.js', format: 'esm', packages: 'external' }),
  build({
    ...common,
    entryPoints: ['electron/browser-mode/main.ts'],
    outfile: 'dist-electron/browser-server.js',
    format: 'esm',
    packages: 'external',
  }),
  // A sandboxed preload can require only 'electron': everything else (zod, the contract) is bundled in.
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist-electron/preload.cjs', format: 'cjs', external: ['electron'] }),
]);
console.log('built dist-electron/ (main.js, preload.cjs, engine.js, parallel-worker.js, decode-worker.js, backup-worker.js, audit-verify-worker.js, cli.js, browser-server.js)');
