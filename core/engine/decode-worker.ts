/**
 * A decoding worker thread (core/engine/decode-pool.ts): reads one record's files from disk
 * (or takes their bytes), decodes them and posts the outcomes back with the samples'
 * buffers transferred. The engine's main thread never decodes: a hostile file stalls only
 * this worker, which the pool stops after its time limit. It also measures stored records
 * (records:measure), under the same kind of limit, so no record's analysis stalls the engine.
 */
import { readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { EinthovenError, toErrorInfo } from '../errors';
import { decodeFiles, type DecodeOptions, type DecodeOutcome } from '../formats/index';
import { initFlac } from '../formats/wfdb/flac';
import { limits } from '../formats/limits';
import type { SourceFile } from '../formats/record';
import type { DecodeReply, WorkerFile, WorkerJob } from './decode-protocol';
import { measureRecord } from './record-measurements';

function load(file: WorkerFile): SourceFile {
  if (file.bytes) return { name: file.name, bytes: file.bytes };
  const size = statSync(file.path as string).size;
  if (size > limits.maxFileBytes) throw new EinthovenError('E_TOO_LARGE', `${file.name}: ${size} bytes exceed the limit of ${limits.maxFileBytes}`);
  return { name: file.name, bytes: new Uint8Array(readFileSync(file.path as string)) };
}

function decode(files: readonly WorkerFile[], options: DecodeOptions): DecodeOutcome[] {
  let sources: SourceFile[];
  try {
    sources = files.map(load);
  } catch (error) {
    const info = toErrorInfo(error);
    return [{ ok: false, files: files.map((f) => f.name), error: { code: info.code === 'E_INTERNAL' ? 'E_IO' : info.code, message: info.message } }];
  }
  return decodeFiles(sources, options);
}

function buffersOf(outcomes: readonly DecodeOutcome[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const o of outcomes) if (o.ok) for (const lead of o.record.leads) if (lead.samples.buffer instanceof ArrayBuffer) buffers.add(lead.samples.buffer);
  return [...buffers];
}

parentPort?.on('message', (job: WorkerJob) => {
  let reply: DecodeReply;
  try {
    reply = job.kind === 'measure' ? { id: job.id, measurements: measureRecord(job.record, job.correction) } : { id: job.id, outcomes: decode(job.files, job.options) };
  } catch (error) {
    reply = { id: job.id, error: toErrorInfo(error) };
  }
  try {
    parentPort?.postMessage(reply, 'outcomes' in reply ? buffersOf(reply.outcomes) : []);
  } catch {
    // A buffer that cannot be transferred (shared by two leads twice): send a copy.
    parentPort?.postMessage(reply);
  }
});
// The FLAC decoder (WFDB 508/516/524) starts asynchronously: the worker is ready once it has.
await initFlac();
parentPort?.postMessage({ ready: true });
