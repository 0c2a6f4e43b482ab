import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecordFiles, recordToLeadSignal } from '../data/records';
import type { DatasetSpec } from '../data/load';
import { splitAtCrop } from '../data/store';
import { itemsOf, leftOutText, type Dataset, type DatasetItem } from '../data/types';
import { engineVersion } from '../engine/version';
import { EinthovenError } from '../errors';
import { buildPipeline, type LeadSignal } from '../signal/pipeline';
import type { PipelineConfig } from '../signal/pipeline-config';
import { perLeadMoments, withFittedStandardisation } from '../signal/standardise';
import { datasetSha256, indexDataset, splitCounts, splitPolicy } from '../train/jobs/prepare';
import { pipelineCrop } from '../train/pipelines';
import { decodeNpy, encodeNpy } from './npy';
import { requireNewOutput } from '../storage/new-output';

/**
 * A dataset exported as NumPy shards for a PyTorch DataLoader elsewhere (distributed/einthoven_ddp):
 *   index.json                      dataset provenance, classes, the fitted pipeline, shard list
 *   train/x-00000.npy  [n, leads, T] every record after the stages before the crop (resampled,
 *                                   padded/truncated, filtered) — exactly what the engine caches
 *   train/y-00000.npy  [n, classes]  multi-hot labels
 *   val/…                            the same for the validation split
 * The trainer crops, normalises and augments per sample with the pipeline's remaining stages, as
 * the engine does. The locked test split is never exported: it is evaluated in the engine
 * (`ecg evaluate`) on the imported package, so nothing trained elsewhere can select on it.
 */
export const shardsFormat = { format: 'einthoven-shards', formatVersion: 1 } as const;

export interface ShardFile {
  readonly x: string;
  readonly y: string;
  readonly n: number;
}

/** Record ids for tracing a row back to its file; no patient identifiers leave with the signals. */
export interface ShardSplit {
  readonly shards: ShardFile[];
  readonly ids: string[];
}

export interface ShardIndex {
  readonly format: typeof shardsFormat.format;
  readonly formatVersion: typeof shardsFormat.formatVersion;
  readonly engineVersion: string;
  readonly createdAt: string;
  readonly dataset: { name: string; sha256: string; records: { train: number; val: number; test: number }; split: string };
  readonly classes: string[];
  readonly architecture: { name: string; inputLength: number };
  /** The whole pipeline, standardisation fitted on the training split; stages before the crop are already applied. */
  readonly pipeline: PipelineConfig;
  readonly length: number;
  readonly leads: number;
  readonly splits: { train: ShardSplit; val: ShardSplit };
  readonly failures: { id: string; message: string }[];
}

export interface ExportShardsOptions {
  readonly spec: DatasetSpec;
  readonly pipeline: PipelineConfig;
  readonly architecture: string;
  readonly out: string;
  /** Records per shard (default 1024: 245 MB at 12 × 5000 float32). */
  readonly shardSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Told once, before any record is written, which listed records the index left out and why. */
  readonly onLeftOut?: (text: string) => void;
}

async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(`${file}.tmp`, bytes);
  await rename(`${file}.tmp`, file);
}

/** Streams one split into shards: one shard's records in memory at a time. */
class SplitWriter {
  readonly split: ShardSplit = { shards: [], ids: [] };
  private rows: { x: LeadSignal; y: readonly number[] }[] = [];

  constructor(
    private readonly dir: string,
    private readonly name: 'train' | 'val',
    private readonly shardSize: number,
    private readonly classes: number,
  ) {}

  async add(item: DatasetItem, x: LeadSignal): Promise<void> {
    this.rows.push({ x, y: item.labels });
    this.split.ids.push(item.id);
    if (this.rows.length === this.shardSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const n = this.rows.length;
    const leads = this.rows[0]!.x.signal.length;
    const length = this.rows[0]!.x.signal[0]!.length;
    const x = new Float32Array(n * leads * length);
    const y = new Float32Array(n * this.classes);
    this.rows.forEach((row, i) => {
      row.x.signal.forEach((lead, l) => x.set(lead, (i * leads + l) * length));
      y.set(row.y, i * this.classes);
    });
    const k = String(this.split.shards.length).padStart(5, '0');
    const file = { x: `${this.name}/x-${k}.npy`, y: `${this.name}/y-${k}.npy`, n };
    await writeAtomic(path.join(this.dir, file.x), encodeNpy(x, [n, leads, length]));
    await writeAtomic(path.join(this.dir, file.y), encodeNpy(y, [n, this.classes]));
    this.split.shards.push(file);
    this.rows = [];
  }
}

function fixedLength(pipeline: PipelineConfig): number {
  const pad = splitAtCrop(pipeline).before.stages.find((s) => s.kind === 'padTruncate');
  if (pad?.kind !== 'padTruncate') throw new EinthovenError('E_VALIDATION', 'shards need records of one length: the pipeline must pad or truncate before the crop');
  return pad.length;
}

/**
 * Refuses, unread, what is not a regular file where a shard folder has one (a missing file is left to the read's own
 * error): a FIFO put in its place blocked the read, and the thread with it, until something wrote to it; a device
 * (size 0 to stat) was read without bound. As the record and package readers refuse them.
 */
function refuseIrregular(file: string): void {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info && !info.isFile()) throw new EinthovenError('E_VALIDATION', `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it`);
}

function readRegularFile(file: string): Buffer {
  refuseIrregular(file);
  return readFileSync(file);
}

/** Records of a split read back one shard at a time (bounded memory), as leads × samples. */
export function* shardRecords(dir: string, split: ShardSplit): Generator<Float32Array[]> {
  for (const shard of split.shards) {
    const { data, shape } = decodeNpy(new Uint8Array(readRegularFile(path.join(dir, shard.x))), shard.x);
    const [n, leads, length] = shape as [number, number, number];
    for (let i = 0; i < n; i++) yield Array.from({ length: leads }, (_, l) => data.subarray((i * leads + l) * length, (i * leads + l + 1) * length));
  }
}

/** Fits an unfitted standardise stage on the written training shards, as the engine fits it on its cached training records. */
function fitStandardisationOnShards(pipeline: PipelineConfig, dir: string, train: ShardSplit): PipelineConfig {
  const index = pipeline.stages.findIndex((s) => s.kind === 'standardise' && (s.mean === null || s.std === null));
  if (index < 0) return pipeline;
  const fit = perLeadMoments(shardRecords(dir, train), pipeline.leads.length);
  if (fit.signals === 0) throw new EinthovenError('E_VALIDATION', 'no training records decoded: nothing to fit the standardisation on');
  return withFittedStandardisation(pipeline, index, fit);
}

/** Exports the train and validation splits; returns the index (also written as index.json, last). */
export async function exportShards(options: ExportShardsOptions): Promise<ShardIndex> {
  requireNewOutput(options.out, 'a shard export');
  const length = fixedLength(options.pipeline);
  const dataset: Dataset = await indexDataset(options.spec, options.pipeline, false);
  const leftOut = leftOutText(dataset.dropped);
  if (leftOut) options.onLeftOut?.(leftOut);
  const before = buildPipeline(splitAtCrop(options.pipeline).before);
  const shardSize = options.shardSize ?? 1024;
  const failures: { id: string; message: string }[] = [];
  const train = itemsOf(dataset, 'train');
  const val = itemsOf(dataset, 'val');
  const total = train.length + val.length;
  let done = 0;
  const writers = { train: new SplitWriter(options.out, 'train', shardSize, dataset.classes.length), val: new SplitWriter(options.out, 'val', shardSize, dataset.classes.length) };
  await mkdir(path.join(options.out, 'train'), { recursive: true });
  await mkdir(path.join(options.out, 'val'), { recursive: true });
  for (const [name, items] of [['train', train], ['val', val]] as const) {
    for (const item of items) {
      if (options.signal?.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled while exporting shards');
      try {
        const x = before.run(recordToLeadSignal(await decodeRecordFiles(item.files), before.config.leads), { mode: 'eval' });
        await writers[name].add(item, x);
      } catch (error) {
        failures.push({ id: item.id, message: error instanceof Error ? error.message : String(error) });
      }
      options.onProgress?.(++done, total);
    }
    await writers[name].flush();
  }
  const pipeline = fitStandardisationOnShards(options.pipeline, options.out, writers.train.split);
  const index: ShardIndex = {
    ...shardsFormat,
    engineVersion,
    createdAt: new Date().toISOString(),
    dataset: { name: dataset.name, sha256: datasetSha256(dataset), records: splitCounts(dataset), split: splitPolicy(dataset, false) },
    classes: [...dataset.classes],
    architecture: { name: options.architecture, inputLength: pipelineCrop(pipeline) ?? length },
    pipeline,
    length,
    leads: pipeline.leads.length,
    splits: { train: writers.train.split, val: writers.val.split },
    failures,
  };
  await writeAtomic(path.join(options.out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** Reads and checks a shard folder's index.json. */
export function readShardIndex(dir: string): ShardIndex {
  const file = path.join(dir, 'index.json');
  refuseIrregular(file);
  let index: ShardIndex;
  try {
    index = JSON.parse(readFileSync(file, 'utf8')) as ShardIndex;
  } catch (error) {
    throw new EinthovenError('E_NOT_FOUND', `${dir}: no readable index.json (${error instanceof Error ? error.message : String(error)})`);
  }
  if (index.format !== shardsFormat.format || index.formatVersion !== shardsFormat.formatVersion) throw new EinthovenError('E_VALIDATION', `${dir}: not an Einthoven shard folder`);
  return index;
}
