import { flushSync } from 'svelte';
import type { ViewerSettings } from './viewer-settings.svelte';

/**
 * Follows the browser's print cycle — the Print button, Ctrl+P and the Electron menu all raise
 * `beforeprint` — so the tracing is laid out at true scale before the page is captured, the
 * print is reported (for the audit trail), and the screen zoom comes back afterwards. `fit`
 * runs once the tracing has its printed size (print-fit.ts sets the summary to fit the sheet);
 * `shown` says whether the record is on the page being printed.
 * Returns the function that stops watching.
 */
export function watchPrinting(settings: ViewerSettings, onPrint: () => void, fit?: () => void, shown: () => boolean = () => true): () => void {
  const before = (): void => {
    // The viewer stays mounted, hidden, while another page is open: a print of that page (the Models
    // report) is not a print of this record, and must not be audited as one.
    if (!shown()) return;
    // Synchronously: the print snapshot is taken right after this handler returns.
    flushSync(() => {
      settings.printing = true;
      settings.printedAt = new Date();
    });
    fit?.();
    onPrint();
  };
  const after = (): void => {
    settings.printing = false;
  };
  window.addEventListener('beforeprint', before);
  window.addEventListener('afterprint', after);
  return () => {
    window.removeEventListener('beforeprint', before);
    window.removeEventListener('afterprint', after);
  };
}
