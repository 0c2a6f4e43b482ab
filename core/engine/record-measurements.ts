import type { RecordDetail } from '../contract/schemas';
import type { MedianBeatView, RecordMeasurements } from '../contract/viewer-schemas';
import type { Fiducials } from '../signal/delineate';
import type { MedianBeat } from '../signal/median-beat';
import { analyseEcg } from '../signal/measure';
import { qtcFormulas, qtcFormulaText } from '../signal/qtc';
import { issueText } from '../signal/record-quality';

/**
 * The viewer's measurements for a stored record: the same analysis as `ecg measure`
 * (core/signal/measure.ts) on the same samples, unrounded, so the UI and the CLI agree.
 * QTc comes under every formula with the formula's text, because a QTc without its formula
 * is ambiguous (Bazett over-corrects at fast rates).
 */
export function measureRecord(record: RecordDetail): RecordMeasurements {
  // A lead the file lacks is all-NaN: quality reports it missing instead of measuring zeros.
  const leads = record.leads.map((lead, i) => ({ name: lead.name, samples: record.signals[i] ?? new Float32Array(record.nSamples).fill(Number.NaN) }));
  const { measurements: m, quality, medianBeat, medianLeads, fiducials } = analyseEcg(leads, record.fs);
  return {
    recordId: record.id,
    fs: record.fs,
    heartRateBpm: m.heartRateBpm,
    rrMs: { mean: m.rrMs.mean, sd: m.rrMs.sd },
    prMs: m.prMs,
    qrsMs: m.qrsMs,
    qtMs: m.qtMs,
    qtc: qtcFormulas.map((formula) => ({ formula, text: qtcFormulaText[formula], ms: m.qtcMs[formula] })),
    axisDeg: { ...m.axisDeg },
    beats: [...m.beats],
    medianBeat: medianBeat ? medianBeatView(medianBeat, medianLeads, fiducials) : null,
    reasons: { ...m.reasons },
    quality: {
      verdict: quality.verdict,
      reasons: [...quality.reasons],
      leads: Object.entries(quality.leads).map(([lead, q]) => ({ lead, ok: q.ok, issues: [...q.issues], descriptions: q.issues.map((issue) => issueText[issue]) })),
    },
  };
}

function medianBeatView(beat: MedianBeat, leads: readonly string[], f: Fiducials | undefined): MedianBeatView {
  const at = (i: number | undefined) => (i === undefined ? null : i);
  return {
    leads: [...leads],
    samples: beat.leads.map((lead) => Float32Array.from(lead)),
    pre: beat.pre,
    beatsUsed: beat.beatsUsed,
    fiducials: { pOnset: at(f?.pOnset), pOffset: at(f?.pOffset), qrsOnset: at(f?.qrsOnset), qrsOffset: at(f?.qrsOffset), tEnd: at(f?.tEnd) },
  };
}

/**
 * Stored records never change (content-addressed), so a measurement can be kept (≈0.1–0.2 s
 * per 10 s 12-lead record saved); a few are enough for flicking between records in the list.
 * Keyed by id and content hash, so an id that ever pointed at other samples cannot hit.
 */
export class MeasurementCache {
  readonly #entries = new Map<string, RecordMeasurements>();
  readonly #capacity: number;

  constructor(capacity = 16) {
    this.#capacity = capacity;
  }

  get(record: RecordDetail): RecordMeasurements {
    const key = `${record.id}:${record.contentHash}`;
    const hit = this.#entries.get(key);
    if (hit) {
      // Re-insert so the Map's order is least-recently-used first.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const fresh = measureRecord(record);
    this.#entries.set(key, fresh);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    return fresh;
  }
}
