/**
 * The audit trail verified whole on a thread of its own (core/db/audit-verify-thread.ts): reading
 * every entry of a trail of millions takes seconds, and on the engine's thread it would hold every
 * other request (the worklist's, the viewer's) for that long. A connection of its own, read-only:
 * SQLite's WAL lets it read one snapshot while the engine goes on writing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../errors';
import type { WorkerReply } from '../worker-once';
import type { AuditVerification } from './audit-chain';
import { AuditLog } from './audit';
import type { AuditVerifyJob } from './audit-verify-thread';
import { openDatabase } from './database';
import { migrations } from './migrations/index';

const job = workerData as AuditVerifyJob;
let reply: WorkerReply<AuditVerification>;
try {
  const { db } = openDatabase(job.dbPath, migrations, { readonly: true });
  try {
    reply = { ok: true, value: new AuditLog(db).verify(job.anchors) };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { ok: false, error: toErrorInfo(error) };
}
parentPort?.postMessage(reply);
