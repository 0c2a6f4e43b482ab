import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import { folderCovers, type AllowedFolder } from '../../../../core/contract/folder-schemas';
import { isAbsoluteEnginePath } from '../../../../core/contract/training-schemas';
import { folderToAllow, type PathNeed } from './path-needs';

export type { PathNeed } from './path-needs';

const key = Symbol.for('einthoven.folder-access');

/**
 * The folders the engine may read datasets from (folders:list/allow/forget), shared by every
 * form that names a dataset: each shows which of its paths still need a folder allowed.
 * The engine decides on real paths; this list only previews the decision, so a form can
 * offer "Allow" before the user runs into a refusal.
 */
export class FolderAccessList {
  readonly #bridge: EinthovenBridge;
  folders = $state.raw<AllowedFolder[]>([]);
  /** Folders allowed in this window as typed (their real path may differ, e.g. through a link). */
  allowedAsTyped = $state.raw<string[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  async refresh(): Promise<void> {
    const result = await this.#bridge.api['folders:list']({});
    if (result.ok) this.folders = result.value.folders;
    else this.error = `Allowed folders could not be listed: ${result.error.message}`;
  }

  covers(target: string): boolean {
    return [...this.folders.map((f) => f.path), ...this.allowedAsTyped].some((folder) => folderCovers(folder, target));
  }

  /** The folders still to allow before the engine will read `needs` (absolute paths only; the forms flag the rest). */
  missing(needs: readonly PathNeed[]): string[] {
    const wanted = needs.filter((n) => isAbsoluteEnginePath(n.path) && !this.covers(n.path.trim())).map(folderToAllow);
    return wanted.filter((folder, i) => wanted.indexOf(folder) === i);
  }

  /** Asks the engine to allow `folder` (the desktop app asks the user to confirm it in the system's folder dialog). */
  async allow(folder: string): Promise<boolean> {
    Object.assign(this, { busy: true, error: null });
    const result = await this.#bridge.api['folders:allow']({ path: folder });
    this.busy = false;
    if (!result.ok) {
      this.error = result.error.code === 'E_CANCELLED' ? null : `${folder} could not be allowed: ${result.error.message}`;
      return false;
    }
    // The typed path now reads as allowed only if it is what the engine allowed (the dialog may have picked another).
    const { asked } = result.value;
    if (folderCovers(asked, folder) && folderCovers(folder, asked)) this.allowedAsTyped = [...this.allowedAsTyped, folder];
    await this.refresh();
    return true;
  }

  async forget(folder: string): Promise<void> {
    const result = await this.#bridge.api['folders:forget']({ path: folder });
    if (!result.ok) this.error = `${folder} could not be forgotten: ${result.error.message}`;
    this.allowedAsTyped = [];
    await this.refresh();
  }
}

export function setFolderAccess(list: FolderAccessList): FolderAccessList {
  return setContext(key, list);
}

export function useFolderAccess(): FolderAccessList {
  return getContext<FolderAccessList>(key);
}
