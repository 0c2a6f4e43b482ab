import { describe, expect, it } from 'vitest';
import type { MedianBeatView } from '../../../../core/contract/viewer-schemas';
import { beatPoints, cellWidthMm, medianCells, medianOfText, sampleXMm } from './median-beats';

function beat(leads: string[], n = 500): MedianBeatView {
  return { leads, samples: leads.map(() => new Float32Array(n)), pre: 175, beatsUsed: 9, pacedBeatsLeftOut: 0, fiducials: { pOnset: 80, pOffset: 120, qrsOnset: 160, qrsOffset: 205, tEnd: 380 } };
}

describe('median-beat panel geometry', () => {
  it('lays the leads out as a 3×4 page, standard order down the columns, whatever order the engine sent', () => {
    const cells = medianCells(beat(['V1', 'I', 'aVR', 'II', 'III', 'V6']));
    expect(cells.map((c) => [c.lead, c.row, c.col])).toEqual([
      ['I', 0, 0], ['II', 1, 0], ['III', 2, 0],
      ['aVR', 0, 1], ['V1', 1, 1], ['V6', 2, 1],
    ]);
    expect(cells.find((c) => c.lead === 'V1')?.index).toBe(0);
  });

  it('draws at 50 mm/s and 10 mm/mV around the cell middle', () => {
    expect(cellWidthMm(beat(['I']), 500)).toBe(50);
    expect(sampleXMm(250, 500)).toBe(25);
    const samples = Float32Array.from([0, 1, -0.5]);
    // Cell 30 mm high: baseline at 15 mm; 1 mV = 10 mm up; 1 px per mm for readability.
    expect(beatPoints(samples, 100, { xMm: 10, yMm: 0 }, 1)).toBe('10.0,15.0 10.5,5.0 11.0,20.0');
  });
});

describe('median-beat caption', () => {
  it('says how many typical beats the median is of, "1 typical beat" where a short strip held one', () => {
    expect(medianOfText(beat(['I']))).toBe('Median of 9 typical beats per lead');
    expect(medianOfText({ ...beat(['I']), beatsUsed: 1 })).toBe('Median of 1 typical beat per lead');
  });
});
