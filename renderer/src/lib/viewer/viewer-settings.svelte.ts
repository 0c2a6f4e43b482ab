import { getContext, setContext } from 'svelte';
import type { DisplayFilter } from '../../../../core/contract/viewer-schemas';
import { diagnosticFilter } from './filter-label';
import type { LayoutKind } from './layout';
import { makePaper, zoomSteps, type Paper, type PaperGain, type PaperSpeed } from './paper';

const key = Symbol.for('einthoven.viewer-settings');

/** The enlarged single lead is drawn at twice the page's scale. */
export const enlargedScale = 2;

/**
 * How the tracing is shown: layout, paper speed and gain, zoom, display filter, QTc formula,
 * the enlarged lead and the page of a long record. Shared by the toolbar, the paper and the
 * measurements panel; it outlives the open record, so switching records keeps the settings.
 */
export class ViewerSettings {
  layout = $state<LayoutKind>('3x4');
  speed = $state<PaperSpeed>(25);
  gain = $state<PaperGain>(10);
  zoom = $state<number>(1);
  /** Starts at the diagnostic band (0.05–150 Hz), as a cardiograph does. */
  filter = $state<DisplayFilter>({ ...diagnosticFilter });
  /** Fridericia by default: Bazett over-corrects above 100 bpm and under-corrects below 60. */
  qtcFormula = $state('fridericia');
  enlarged = $state<string | null>(null);
  pageStart = $state(0);
  /** While printing, the tracing is drawn at true scale (1 paper mm = 1 printed mm), whatever the zoom. */
  printing = $state(false);
  /** When the current print started, for the printed header. */
  printedAt = $state<Date | null>(null);

  /** The screen calibration factor (1 = the browser's nominal millimetres). */
  readonly #screenScale: () => number = () => 1;

  constructor(screenScale?: () => number) {
    if (screenScale) this.#screenScale = screenScale;
  }

  /** The paper the tracing is drawn on now (zoom, enlargement and screen calibration included; printing is exact). */
  paper: Paper = $derived(makePaper(this.speed, this.gain, this.printing ? 1 : this.zoom * (this.enlarged ? enlargedScale : 1) * this.#screenScale()));

  zoomIn(): void {
    this.zoom = zoomSteps.find((z) => z > this.zoom) ?? this.zoom;
  }

  zoomOut(): void {
    this.zoom = [...zoomSteps].reverse().find((z) => z < this.zoom) ?? this.zoom;
  }

  /** A new record starts at its first page, and an enlarged lead it lacks is dropped. */
  openRecord(leadNames: readonly string[]): void {
    this.pageStart = 0;
    if (this.enlarged !== null && !leadNames.includes(this.enlarged)) this.enlarged = null;
  }
}

export function setViewerSettings(settings: ViewerSettings): ViewerSettings {
  return setContext(key, settings);
}

export function useViewerSettings(): ViewerSettings {
  return getContext<ViewerSettings>(key);
}
