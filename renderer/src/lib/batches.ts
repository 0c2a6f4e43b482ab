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

/**
 * Splits picked files into import batches of bounded size without separating the files
 * of one record (a WFDB header and its signal files share folder and stem).
 */
export function makeBatches(files: readonly PickedFile[], limit = maxBatchBytes): PickedFile[][] {
  const groups = new Map<string, PickedFile[]>();
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = stemKey(file.name);
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const batches: PickedFile[][] = [];
  let current: PickedFile[] = [];
  let size = 0;
  for (const group of groups.values()) {
    const groupSize = group.reduce((sum, f) => sum + f.file.size, 0);
    if (current.length > 0 && size + groupSize > limit) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(...group);
    size += groupSize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
