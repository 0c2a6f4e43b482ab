import { describe, expect, it } from 'vitest';
import { readDecimal } from './decimal-text';

const value = (text: string, decimalComma: boolean) => {
  const read = readDecimal(text, decimalComma);
  return read.ok ? read.value : read.why;
};

describe('a typed or exported number, read without guessing', () => {
  it('reads a decimal point anywhere, and a decimal comma where a comma can be nothing else', () => {
    for (const [text, v] of [['0.5', 0.5], ['650', 650], [' 104.5 ', 104.5], ['.5', 0.5]] as const) {
      expect(value(text, false), text).toBe(v);
      expect(value(text, true), text).toBe(v);
    }
    for (const [text, v] of [['0,5', 0.5], ['0,650', 0.65], ['12,5', 12.5], ['1234,5', 1234.5], ['35,2', 35.2], [',5', 0.5]] as const) expect(value(text, true), text).toBe(v);
  });

  it('refuses a decimal comma where a comma also separates fields, saying why', () => {
    expect(value('0,5', false)).toBe("has a decimal comma, which is not read in a comma-separated file (there a comma separates fields, and '1,234' may be a number grouped in thousands); write a decimal point, or save the file with ';' between fields");
  });

  it('refuses a number that may be grouped in thousands, instead of reading it 1000 times too small or too large', () => {
    expect(value('1,234', true)).toBe('may be 1.234 (decimal comma) or 1234 (thousands comma), 1000 times apart; type it as 1.234 or 1234');
    for (const text of ['1.234,5', '1,234.5', '1.234.567', '1,234,567']) {
      for (const decimalComma of [false, true]) expect(value(text, decimalComma), text).toMatch(/a thousands separator is in it and which mark is the decimal one is not known; type the number without grouping/);
    }
  });

  it('refuses what is no number, hexadecimal and exponents included', () => {
    for (const text of ['fast', '0x1F4', '5e2', '1 234', 'Infinity', '12-']) expect(readDecimal(text, true), text).toEqual({ ok: false, why: 'is not a number', notANumber: true });
  });
});
