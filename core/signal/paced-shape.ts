import { delineate } from './delineate';
import { medianBeat, type MedianBeat } from './median-beat';
import type { PacingResult } from './pacing';
import { qrsMatchesTemplate } from './rhythm';

/**
 * Paced beats whose stimulus is too small to see. A bipolar lead's spike reaches few leads and
 * can fall under the detector's threshold on some beats (pacing.ts): LUDB 1.0.1 record 90
 * (third-degree AV block, bipolar ventricular pacing, every beat paced) showed spikes before 2
 * of its 10 beats, so it read as intermittent pacing, the other eight as unpaced, and their
 * 174 ms QRS was stated a nonspecific intraventricular conduction delay with a long QTc; LUDB 8
 * (AF, unipolar ventricular pacing) the same from spikes before 5 of 12. There the beats a spike
 * precedes have the very QRS of the others (correlation ≥ 0.8, the shape rule of rhythm.ts
 * `qrsMatchesTemplate`; 0.90 and 1.00 on those records): the others are paced too. So every beat
 * of the spike beats' shape counts as paced, when that shape is a wide one: a captured
 * ventricular stimulus gives a QRS of 120 ms or more (`minPacedQrsMs`), while a spike on a
 * narrow conducted QRS is pseudo-fusion or atrial pacing, whose beats stay unpaced (PTB-XL
 * 00382: irregular RR, spikes before 3 of 13 beats, two of them on a 98 ms QRS like every other
 * beat's).
 */
export const minPacedQrsMs = 120;

/** The spike beats' shape must be the shape of this share of them, for their median beat to stand for it. */
const spikeBeatsAgreeing = 2 / 3;

/**
 * `pacing` with the beats of the spike beats' QRS shape counted paced (`unseenSpikeBeats`), or
 * `pacing` itself where nothing changes: not paced, already a paced rhythm, fewer than two spike
 * beats, or the spike beats' QRS narrow or of no one shape.
 */
export function withUnseenSpikeBeats(pacing: PacingResult, cleanLeads: readonly Float64Array[], beats: readonly number[], fs: number, pacedRhythmFraction: number): PacingResult {
  if (!pacing.paced || pacing.pacedBeatFraction >= pacedRhythmFraction || pacing.pacedBeats.length < 2) return pacing;
  const spikeBeats = new Set(pacing.pacedBeats);
  const others = new Set(beats.filter((_, k) => !spikeBeats.has(k)));
  const template = medianBeat(cleanLeads, beats, fs, others);
  if (!template || !isWidePacedShape(template)) return pacing;
  const matches = (k: number) => qrsMatchesTemplate(cleanLeads, beats[k] as number, template);
  if (pacing.pacedBeats.filter(matches).length < spikeBeatsAgreeing * pacing.pacedBeats.length) return pacing;
  const unseen = beats.flatMap((_, k) => (!spikeBeats.has(k) && matches(k) ? [k] : []));
  if (unseen.length === 0) return pacing;
  const pacedBeats = [...pacing.pacedBeats, ...unseen].sort((a, b) => a - b);
  return {
    ...pacing,
    pacedBeats,
    pacedBeatFraction: pacedBeats.length / beats.length,
    unseenSpikeBeats: unseen,
    reason: `${pacing.reason}; ${unseen.length} more have the QRS of the beats after a spike, their spikes too small to see`,
  };
}

/** Whether the spike beats' median beat (all beats' where fewer than three have a spike: median-beat.ts) has a QRS of ventricular capture. */
function isWidePacedShape(template: MedianBeat): boolean {
  const f = delineate(template);
  if (f.qrsOnset === undefined || f.qrsOffset === undefined) return false;
  return ((f.qrsOffset - f.qrsOnset) * 1000) / template.fs >= minPacedQrsMs;
}
