import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { maxAllowedFolders, type AllowedFolder } from '../contract/folder-schemas';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import { EinthovenError } from '../errors';
import { isInside, realOfNearestExisting } from '../storage/real-path';

/** app_state key of the allowed folders (a JSON array of AllowedFolder). */
const allowedKey = 'folders.allowed';

/** The dataset fields that name paths on the engine's computer. */
const pathFields = ['root', 'labels', 'testLabels', 'mapping'] as const;
type PathFields = Partial<Record<(typeof pathFields)[number], string | undefined>>;

/**
 * The folders the user allowed the engine to read datasets from, kept in the database and
 * audited; every path a training, evaluation or dataset-check request names must lie inside
 * one of them, checked on its text and on its real path (a symbolic link inside an allowed
 * folder that points out of it is refused). Refusals name the path, never its content.
 */
export class FolderAccess {
  readonly #state: AppState;
  readonly #audit: AuditLog;

  constructor(state: AppState, audit: AuditLog) {
    this.#state = state;
    this.#audit = audit;
  }

  list(): AllowedFolder[] {
    const stored = this.#state.get(allowedKey);
    return stored ? (JSON.parse(stored) as AllowedFolder[]) : [];
  }

  allow(folder: string): AllowedFolder {
    const resolved = path.resolve(folder);
    if (!existsSync(resolved) || !statSync(resolved).isDirectory()) throw new EinthovenError('E_NOT_FOUND', `${resolved} is not a folder on this computer`);
    const real = realpathSync.native(resolved);
    if (path.parse(real).root === real) throw new EinthovenError('E_VALIDATION', `${real} is a whole disk: allow the folder that holds the data`);
    const folders = this.list();
    const known = folders.find((f) => f.path === real);
    if (known) return known;
    if (folders.length >= maxAllowedFolders) throw new EinthovenError('E_TOO_LARGE', `at most ${maxAllowedFolders} folders may be allowed; forget one first`);
    const added = { path: real, allowedAt: new Date().toISOString() };
    this.#save([...folders, added]);
    this.#audit.append('user', 'folder.allowed', null, { path: real });
    return added;
  }

  forget(folder: string): boolean {
    const folders = this.list();
    const kept = folders.filter((f) => f.path !== folder && f.path !== realOfNearestExisting(folder));
    if (kept.length === folders.length) return false;
    this.#save(kept);
    this.#audit.append('user', 'folder.forgotten', null, { path: folder });
    return true;
  }

  /**
   * The dataset with each path replaced by its real path, after checking that each lies in an
   * allowed folder: the job then reads exactly what was checked, even if a link changes later.
   */
  confine<T extends PathFields>(spec: T): T {
    const confined: T = { ...spec };
    for (const field of pathFields) {
      const given = spec[field];
      if (given !== undefined) confined[field] = this.confinePath(given);
    }
    return confined;
  }

  /**
   * The real path of `given` after checking that it lies in an allowed folder, on its text and
   * on its real path; for a path that does not exist yet (a new backup folder), its nearest
   * existing parent's real path decides, so a link cannot lead the new folder out.
   */
  confinePath(given: string): string {
    const folders = this.list().map((f) => f.path);
    const real = realOfNearestExisting(given);
    if (!folders.some((f) => isInside(f, path.resolve(given)) && isInside(f, real))) {
      throw new EinthovenError('E_FORBIDDEN', `${given} is not inside a folder you allowed Einthoven to read: allow the folder first`);
    }
    return real;
  }

  #save(folders: AllowedFolder[]): void {
    this.#state.set(allowedKey, JSON.stringify(folders));
  }
}
