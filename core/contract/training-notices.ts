/** At most this many notes and warnings are kept per running job. */
export const jobNoticeLimit = 20;

/**
 * The notes and warnings a training-side job said as it ran (progress messages opening "note: "
 * or "warning: "), each once, in order, the first `jobNoticeLimit`: a phase line shows only the
 * latest message, so one said as a fine-tuning starts (test records its base saw, closing figures
 * that will be no locked test) was replaced by the next phase within a second, while the user
 * could still stop the job. Kept by the engine for a window that attaches later and by the window.
 */
export function withNotice(notices: readonly string[], message: string | undefined): readonly string[] {
  if (!message || !/^(note|warning): /.test(message) || notices.includes(message) || notices.length >= jobNoticeLimit) return notices;
  return [...notices, message];
}
