// Worker threads do not inherit tsx's loader (CLI, tests): register it, then load the TypeScript
// worker. The built engine uses dist-electron/backup-worker.js instead (scripts/build-electron.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./backup-worker.ts');
