/** A file chosen by the user, with the path relative to what was picked (folders keep their structure). */
export interface PickedFile {
  readonly name: string;
  readonly file: Blob;
}

/**
 * Largest batch sent in one import request. Small, so that encoding one request (base64 in
 * browser mode) never holds the page for long and the first records are stored — and
 * progress moves — within a second of the pick; the engine keeps its decoding workers between batches.
 */
export const maxBatchBytes = 2 * 1024 * 1024;

/**
 * How long batching may read file sizes before the page gets to handle input and paint. In
 * Chromium the first `size` of a picked file is a synchronous query of the file system (0.1 to
 * 1 ms a file, more on a busy machine): the 1,828 files of the PTB-XL pool, all read before the
 * first batch, held the page for 0.3–2 s and the first progress with it.
 */
export const sizeSliceMs = 16;

export interface BatchOptions {
  readonly limit?: number;
  readonly sliceMs?: number;
  /** Resolves once the page has had its turn (tests pass their own to count the pauses). */
  readonly pause?: () => Promise<void>;
  readonly now?: () => number;
}

/**
 * Lets the page handle input and paint, then goes on: a message, unlike a timer, is not slowed
 * down in a hidden window.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Folder + stem; a WFDB multi-segment record's segments (`<record>_0001`, `<record>_layout`,
 * the MIMIC naming) share their master's key so one batch carries the whole record.
 */
function stemKey(name: string): string {
  const slash = name.lastIndexOf('/');
  const base = name.slice(slash + 1);
  const dot = base.indexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return name.slice(0, slash + 1) + stem.replace(/_(\d+|layout)$/, '');
}

/** The files of each record together, records in name order; by names only (no file is touched). */
function recordGroups(files: readonly PickedFile[]): PickedFile[][] {
  const groups = new Map<string, PickedFile[]>();
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = stemKey(file.name);
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  return [...groups.values()];
}

/**
 * Splits picked files into import batches of bounded size without separating the files of one
 * record (a WFDB header and its signal files share folder and stem). Lazily: a batch's sizes
 * are read when it is asked for, so the first batch goes out before the rest of a large folder
 * is looked at, and reading sizes pauses every `sliceMs` so the page stays responsive.
 */
export async function* makeBatches(
  files: readonly PickedFile[],
  options: BatchOptions = {},
): AsyncGenerator<PickedFile[]> {
  const { limit = maxBatchBytes, sliceMs = sizeSliceMs, pause = nextTask } = options;
  const now = options.now ?? (() => performance.now());
  let current: PickedFile[] = [];
  let size = 0;
  let sliceStart = now();
  for (const group of recordGroups(files)) {
    if (now() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = now();
    }
    const groupSize = group.reduce((sum, f) => sum + f.file.size, 0);
    if (current.length > 0 && size + groupSize > limit) {
      yield current;
      current = [];
      size = 0;
      sliceStart = now();
    }
    current.push(...group);
    size += groupSize;
  }
  if (current.length > 0) yield current;
}

/** A picked file's name and bytes, as an import request carries them. */
export interface ReadFile {
  readonly name: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/**
 * The bytes of a batch's files, read as one Blob of them all. In Chromium each `arrayBuffer()`
 * of a picked file costs the page 1–2 ms of synchronous work (several more on a busy machine):
 * a 2 MB batch of 100–300 files read file by file held the page for 100–300 ms, where one read
 * of their concatenation is one call. Each file gets its own copy of its bytes: a view into the
 * shared buffer would carry the whole batch with every file through Electron's IPC.
 */
export async function readBatch(batch: readonly PickedFile[]): Promise<ReadFile[]> {
  const sizes = batch.map((f) => f.file.size);
  const whole = new Uint8Array(await new Blob(batch.map((f) => f.file)).arrayBuffer());
  const read: ReadFile[] = [];
  let offset = 0;
  for (const [i, f] of batch.entries()) {
    const end = offset + (sizes[i] ?? 0);
    read.push({ name: f.name, bytes: whole.slice(offset, end) });
    offset = end;
  }
  return read;
}
