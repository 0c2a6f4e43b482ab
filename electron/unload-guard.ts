import type { MessageBoxSyncOptions } from 'electron';

/**
 * What the desktop app asks when the window is closed (or reloaded) while the page refuses to
 * unload: the renderer does so while readings are drafted but not signed, as drafts live in the
 * window's memory only (renderer/src/components/overread/UnsignedDrafts.svelte). Left unanswered,
 * Electron would cancel the close without a word; the page's own text does not reach the main
 * process, so the records are named in the window, which shows them when the user goes back.
 * Going back is the default and what Esc does: a draft is lost only by a deliberate choice.
 */
export const unsignedDraftsQuestion = {
  type: 'warning',
  title: 'Unsigned reading drafts',
  message: 'Readings are drafted but not signed.',
  detail: 'Drafts are not saved: closing Einthoven loses them. Go back to see which records hold them (the bar at the top of the window names them) and sign them, or close and discard them.',
  buttons: ['Go back', 'Close and discard the drafts'],
  defaultId: 0,
  cancelId: 0,
  noLink: true,
} as const satisfies MessageBoxSyncOptions;

/** The answer (button index) that lets the window close and the drafts go. */
export const discardDraftsAnswer = 1;
