import type { LeadQrs } from '../signal/morphology';
import type { PacingResult } from '../signal/pacing';
import type { RhythmFeatures } from '../signal/rhythm';

/** Building blocks of the statement rules' tests: a regular rhythm at 75 bpm, no pacing, and one lead's QRS shape. */
export const regularRhythm: RhythmFeatures = { rrMs: Array(11).fill(800), medianRrMs: 800, normalisedRmssd: 0.01, normalisedRmssdAll: 0.01, rrRange: 0.02, premature: [], prematureVentricular: [], differentQrs: [], cutByEdge: [], acrossGap: [] };

export const notPaced: PacingResult = { paced: false, spikeTimesSec: [], spikesPerBeat: 0, leadsWithSpikes: 0, reason: 'none', assessed: true, pacedBeatFraction: 0, spikeLeads: [], pacedBeats: [] };

/** A narrow, upright QRS with no q; `over` changes what a test is about. */
export const leadQrs = (over: Partial<LeadQrs> = {}): LeadQrs => ({ rMv: 1, sMv: 0.3, peakToPeakMv: 1.3, terminalMv: -0.05, initialMv: 0.1, q: false, initialQMv: 0, rPeakTimeMs: 40, rPeaks: 1, areaMvMs: 20, ...over });
