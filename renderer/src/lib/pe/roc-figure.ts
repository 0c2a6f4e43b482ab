import type { PeComparisonInfo } from '../../../../core/contract/pe-schemas';

/** Geometry of the Fig. 3-style plot: ROC curves and each score's operating points on one plane. */
export const figure = { width: 720, height: 456, left: 56, top: 20, plot: 360, captionY: 432 } as const;

/**
 * The figure's second caption line: where the site's labels CSV says the score items came from
 * (pe_scores_source), so a figure drawn on synthetic items says so wherever it is shown or exported.
 */
export function scoreSourceCaption(comparison: PeComparisonInfo): string | null {
  const sources = comparison.scoreSources ?? [];
  if (sources.length === 0) return null;
  return `score items: ${sources.map((s) => `${s.source} (${s.records} of ${comparison.n} records)`).join('; ')}`;
}

/**
 * The figure's note on its p-values: DeLong's paired test against the ECG model, clustered by
 * patient (Obuchowski 1997) where every record named its patient, else taking records as
 * independent (and so, with several ECGs per patient, too small). A comparison stored before the
 * test said which was record-level.
 */
export function delongNote(comparison: PeComparisonInfo): string {
  const units = new Set(comparison.curves.flatMap((c) => (c.vsModel ? [c.vsModel.unit ?? 'record'] : [])));
  const how = units.size > 1 ? 'clustered by patient (Obuchowski 1997) where every record names its patient, else records taken as independent' : units.has('patient') ? 'clustered by patient (Obuchowski 1997)' : 'records taken as independent';
  return `p: DeLong's paired test against the ECG model on the records both have, ${how}.`;
}

/** Colour per curve kind and order (colour-blind-safe Okabe–Ito palette). */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

export interface DrawnCurve {
  readonly id: string;
  readonly name: string;
  readonly kind: 'model' | 'score' | 'fusion';
  readonly colour: string;
  /** SVG polyline points of the ROC curve in plot pixels. */
  readonly points: string;
  readonly legend: string;
  readonly markers: { readonly x: number; readonly y: number; readonly label: string }[];
}

/** Plot pixels of a (false positive rate, true positive rate) point. */
export function toPlot(fpr: number, tpr: number): { x: number; y: number } {
  return { x: figure.left + fpr * figure.plot, y: figure.top + (1 - tpr) * figure.plot };
}

const fixed = (v: number | null) => (v === null ? '–' : v.toFixed(2));

/** Everything the SVG draws, curve by curve: the ROC path, the legend text, the operating points. */
export function drawCurves(comparison: PeComparisonInfo): DrawnCurve[] {
  return comparison.curves.map((c, k) => {
    const points = c.roc.fpr
      .map((f, i) => [f, c.roc.tpr[i]] as const)
      .filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null)
      .map(([f, t]) => toPlot(f, t))
      .map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`)
      .join(' ');
    const versus = c.vsModel && c.vsModel.p !== null ? `, DeLong p ${c.vsModel.p < 0.001 ? '< 0.001' : c.vsModel.p.toFixed(3)} (${c.vsModel.unit === 'patient' ? 'by patient' : 'records independent'})` : '';
    const markers = c.operatingPoints.filter((o) => o.fpr !== null && o.tpr !== null).map((o) => ({ ...toPlot(o.fpr as number, o.tpr as number), label: o.label }));
    return { id: c.id, name: c.name, kind: c.kind, colour: palette[k % palette.length] as string, points, legend: `${c.name}: AUC ${fixed(c.auc)} (${c.aucCi.low === null || c.aucCi.high === null ? 'no interval' : `${fixed(c.aucCi.low)}–${fixed(c.aucCi.high)}`}), n = ${c.n}${versus}`, markers };
  });
}
