/**
 * Which rows of a fixed-height list are in view (plus `overscan` rows either side, so a fast
 * scroll does not show blanks): positions [from, to). Only these rows exist in the page, so
 * a worklist of 10,000 records costs no more to draw than one of 20.
 */
export function visibleRange(view: { scrollTop: number; viewportHeight: number; rowHeight: number; total: number; overscan: number }): { from: number; to: number } {
  const { scrollTop, viewportHeight, rowHeight, total, overscan } = view;
  if (total <= 0 || rowHeight <= 0) return { from: 0, to: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  return { from: Math.max(0, first - overscan), to: Math.min(total, last + overscan) };
}
