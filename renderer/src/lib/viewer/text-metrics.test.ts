import { describe, expect, it } from 'vitest';
import { fitText, textWidthEm } from './text-metrics';

describe('text that must fit a lead cell', () => {
  it('keeps short text and cuts long text with an ellipsis within the room given', () => {
    expect(fitText('✓', 3)).toBe('✓');
    const long = '⚠ baseline wander, high-frequency noise, electrode motion';
    const cut = fitText(long, 12);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidthEm(cut)).toBeLessThanOrEqual(12);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(fitText(long, 0.5)).toBe('');
  });
});
