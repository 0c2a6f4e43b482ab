/** A path a form will send to the engine: a folder of ECG files, or a file (labels CSV, mapping). */
export interface PathNeed {
  readonly path: string;
  readonly kind: 'folder' | 'file';
}

/** The folder to allow for a path: the folder itself, or the folder holding a file. */
export function folderToAllow(need: PathNeed): string {
  const typed = need.path.trim().replace(/[\\/]+$/, '');
  return need.kind === 'folder' ? typed : typed.replace(/[\\/][^\\/]*$/, '') || typed;
}
