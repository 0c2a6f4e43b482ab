import { describe, expect, it } from 'vitest';
import type { PeScoreResultInfo } from '../../../../core/contract/pe-schemas';
import { scoreListRecomputedNote } from './pe-items-text';

/** A score as a stored entry shows it once recomputed: the outcome stored when entered kept in `entered`. */
function recomputed(score: PeScoreResultInfo, entered: PeScoreResultInfo['entered']): PeScoreResultInfo {
  return { ...score, entered };
}

describe("the panel's note on a recomputed score", () => {
  // As the engine gives them for Wells 3 (PE most likely) with a D-dimer of 700 ng/mL FEU.
  const wells: PeScoreResultInfo = { score: 'wells', name: 'Wells', source: 'Wells 2000', missing: [], total: 3, points: [{ item: 'peMostLikely', points: 3 }], categories: [], imagingIndicated: null, summary: 'Wells: 3 points' };
  const peged: PeScoreResultInfo = { score: 'peged', name: 'PEGeD', source: 'Kearon 2019', missing: [], total: null, points: [], categories: [], imagingIndicated: false, summary: 'PEGeD: PE excluded without imaging (low C-PTP (Wells 3), D-dimer 700 < 1000 ng/mL)' };

  it('shows beside a points total, whose summary the list does not show, what was entered', () => {
    const note = scoreListRecomputedNote(recomputed(wells, { outcome: 2.5, summary: 'Wells: 2.5 points (moderate)' }));
    expect(note).toBe("recomputed from the entry's items under the current rule; entered as 2.5 points (moderate)");
  });

  it('adds nothing to a decision, whose summary carries the note, nor to a score shown as stored', () => {
    expect(scoreListRecomputedNote(recomputed(peged, { outcome: 'imaging', summary: 'PEGeD: imaging indicated (…)' }))).toBeNull();
    expect(scoreListRecomputedNote(wells)).toBeNull();
  });
});
