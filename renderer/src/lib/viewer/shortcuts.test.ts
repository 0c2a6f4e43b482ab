import { describe, expect, it } from 'vitest';
import { cycle, shortcutFor, shortcuts } from './shortcuts';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; target: unknown }> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra } as KeyboardEvent);

describe('viewer shortcuts', () => {
  it('maps keys to actions, each key to one action only', () => {
    expect(press('n')).toBe('next-record');
    expect(press('k')).toBe('previous-record');
    expect(press('l')).toBe('next-layout');
    expect(press('G')).toBe('previous-gain');
    expect(press('x')).toBeNull();
    const keys = shortcuts.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves typing and browser shortcuts alone', () => {
    expect(press('n', { target: { tagName: 'INPUT', type: 'search' } })).toBeNull();
    expect(press('n', { target: { tagName: 'SELECT' } })).toBeNull();
    expect(press('n', { target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(press('n', { target: { tagName: 'INPUT', type: 'checkbox' } })).toBe('next-record');
    expect(press('p', { ctrlKey: true })).toBeNull();
    expect(press('l', { altKey: true })).toBeNull();
  });

  it('cycles through values both ways, wrapping round', () => {
    expect(cycle([5, 10, 20], 20)).toBe(5);
    expect(cycle([5, 10, 20], 5, -1)).toBe(20);
    expect(cycle(['3x4', '6x2', '12x1'], '3x4')).toBe('6x2');
  });
});
