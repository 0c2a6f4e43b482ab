/** Samples [from, to) at which every lead is missing. */
export interface MissingStretch {
  readonly from: number;
  readonly to: number;
}

/**
 * The stretches at which every lead is missing (NaN or infinite: WFDB's invalid sample, a
 * recorder's dropout, a gap between segments): nothing of the heart was recorded there. A gap in
 * some leads only is not one, the others having recorded it. Read by the record's quality (which
 * says how long and where) and by the rhythm (an RR across one is the gap's, not a cycle).
 */
export function missingInEveryLead(leads: readonly { readonly samples: ArrayLike<number> }[]): MissingStretch[] {
  if (leads.length === 0) return [];
  const n = Math.max(...leads.map((l) => l.samples.length));
  const stretches: MissingStretch[] = [];
  let from = -1;
  for (let i = 0; i <= n; i++) {
    const missing = i < n && leads.every((l) => !Number.isFinite(l.samples[i] as number));
    if (missing && from < 0) from = i;
    else if (!missing && from >= 0) {
      stretches.push({ from, to: i });
      from = -1;
    }
  }
  return stretches;
}

/**
 * The stretches at which one lead is missing (NaN or infinite): a lead-off electrode, a lead's
 * dropout. The cleaning puts zeros there (median-beat.ts `cleanForMeasurement`), which are not the
 * heart's: no beat whose window reaches into one is averaged into that lead's median beat.
 */
export function missingInLead(samples: ArrayLike<number>): MissingStretch[] {
  return missingInEveryLead([{ samples }]);
}

/**
 * The RR intervals (index k: beat k to beat k + 1) with a sample strictly between their beats in
 * one of `gaps`: the stretch starts before the later beat and ends after the earlier one. Such an
 * interval is the gap's length, not a cycle's.
 */
export function rrIndicesAcross(gaps: readonly MissingStretch[], beats: readonly number[]): Set<number> {
  const across = new Set<number>();
  for (let k = 0; k + 1 < beats.length; k++) {
    if (gaps.some((g) => g.from < (beats[k + 1] as number) && g.to > (beats[k] as number) + 1)) across.add(k);
  }
  return across;
}

/** Whether any sample of [from, to) lies in one of `gaps`. */
export function overlapsGap(gaps: readonly MissingStretch[], from: number, to: number): boolean {
  return gaps.some((g) => g.from < to && g.to > from);
}

/** The stretches missing in every one of `byLead` (each lead's own, `missingInLead`): where they all overlap. */
export function missingInAll(byLead: readonly (readonly MissingStretch[])[]): MissingStretch[] {
  const [first, ...rest] = byLead;
  if (!first) return [];
  return rest.reduce<MissingStretch[]>((common, gaps) => common.flatMap((c) => gaps.flatMap((g) => overlap(c, g))), [...first]);
}

/** The samples two stretches share, as a list of none or one. */
function overlap(a: MissingStretch, b: MissingStretch): MissingStretch[] {
  return a.from < b.to && b.from < a.to ? [{ from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) }] : [];
}

/** The parts of `gaps` outside every one of `remove`. */
export function withoutStretches(gaps: readonly MissingStretch[], remove: readonly MissingStretch[]): MissingStretch[] {
  return remove.reduce<MissingStretch[]>(
    (left, r) => left.flatMap((g) => [...(g.from < r.from ? [{ from: g.from, to: Math.min(g.to, r.from) }] : []), ...(g.to > r.to ? [{ from: Math.max(g.from, r.to), to: g.to }] : [])]),
    [...gaps],
  );
}
