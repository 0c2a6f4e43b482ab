// Worker threads do not inherit tsx's loader (CLI, tests): register it, then load the TypeScript
// worker. The built engine uses dist-electron/audit-verify-worker.js instead (scripts/build-electron.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./audit-verify-worker.ts');
