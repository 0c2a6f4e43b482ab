import { z } from 'zod';
import { isAbsoluteEnginePath } from './training-schemas';

/**
 * The folders the engine may read datasets from (issue 15, "every path-taking channel confined
 * to the folders the user chose"). Training, evaluation and the dataset check take paths on the
 * engine's computer; without this list a compromised renderer could point them at any file.
 * The user allows a folder once (in the packaged app through the system's folder dialog, which
 * the main process shows: the renderer's path is only the dialog's starting point); every
 * dataset path must then lie inside an allowed folder, after symbolic links are resolved.
 */
export const AllowedFolderSchema = z.object({
  /** The folder's real path on the engine's computer (symbolic links resolved). */
  path: z.string(),
  allowedAt: z.string(),
});
export type AllowedFolder = z.infer<typeof AllowedFolderSchema>;

/** How many folders may be allowed at once: a list a person reviews, not a second file system. */
export const maxAllowedFolders = 100;

const folderPath = z.string().min(1).max(4096).refine(isAbsoluteEnginePath, 'must be an absolute path on the computer running the engine');

export const folderChannels = {
  'folders:list': {
    request: z.object({}).strict(),
    response: z.object({ folders: z.array(AllowedFolderSchema) }),
  },
  // Audited. In the packaged app, main shows the folder dialog and passes on what the user picked.
  'folders:allow': {
    request: z.object({ path: folderPath }).strict(),
    // `asked`: the path the engine was given (in the desktop app, the one picked in the dialog).
    response: z.object({ folder: AllowedFolderSchema, asked: z.string() }),
  },
  // Audited; a job already running keeps the paths it was started with.
  'folders:forget': {
    request: z.object({ path: z.string().min(1).max(4096) }).strict(),
    response: z.object({ forgotten: z.boolean() }),
  },
} as const;

/** `target` with separators unified and no trailing separator; Windows drive paths compare without case. */
function comparable(target: string): string {
  const unified = target.trim().replaceAll('\\', '/').replace(/\/+$/, '');
  return /^[A-Za-z]:/.test(unified) || unified.startsWith('//') ? unified.toLowerCase() : unified;
}

/**
 * Whether `target` lies in `folder` by its text alone (the renderer's preview; the engine
 * decides on real paths). `/data/ecg-other` is not inside `/data/ecg`.
 */
export function folderCovers(folder: string, target: string): boolean {
  const f = comparable(folder);
  const t = comparable(target);
  if (t.split('/').includes('..')) return false;
  return f !== '' && (t === f || t.startsWith(`${f}/`));
}
