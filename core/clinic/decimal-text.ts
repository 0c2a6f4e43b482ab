/**
 * A number typed by a clinician or exported by a laboratory, read without guessing. European
 * exports and keyboards write a decimal comma ("0,5"); English ones group thousands with a comma
 * ("1,234.5") and European ones with a point ("1.234,5"). A comma is read as a decimal point only
 * where it cannot be anything else (`decimalComma`: a form field, or a CSV whose fields are
 * separated by ';' or tabs), and never in a number that could be grouped in thousands: there the same
 * text means two numbers 1000 times apart, and a D-dimer read 1000 times too small excludes PE.
 * A point is always a decimal point.
 */
export type DecimalReading = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly why: string; readonly notANumber?: true };

const plain = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const decimalCommaText = /^[+-]?(\d+,\d*|,\d+)$/;
/** "1,234" or "12,500": a comma followed by exactly three digits after one to three digits (no leading 0) may group thousands. */
const thousandsLike = /^[+-]?[1-9]\d{0,2},\d{3}$/;

const refuse = (why: string): DecimalReading => ({ ok: false, why });

/** `text` (trimmed, not empty) as a number, or why it is not read. */
export function readDecimal(text: string, decimalComma: boolean): DecimalReading {
  const t = text.trim();
  if (plain.test(t)) return { ok: true, value: Number(t) };
  const commas = t.split(',').length - 1;
  const points = t.split('.').length - 1;
  if (/^[+-]?[\d.,]+$/.test(t) && (commas + points > 1)) {
    return refuse(`has ${commas && points ? 'both a comma and a point' : `${commas + points} separators`}, so a thousands separator is in it and which mark is the decimal one is not known; type the number without grouping (e.g. 1234.5)`);
  }
  if (commas === 1 && decimalCommaText.test(t)) {
    if (!decimalComma) return refuse(`has a decimal comma, which is not read in a comma-separated file (there a comma separates fields, and '1,234' may be a number grouped in thousands); write a decimal point, or save the file with ';' between fields`);
    if (thousandsLike.test(t)) return refuse(`may be ${t.replace(',', '.')} (decimal comma) or ${t.replace(',', '')} (thousands comma), 1000 times apart; type it as ${t.replace(',', '.')} or ${t.replace(',', '')}`);
    return { ok: true, value: Number(t.replace(',', '.')) };
  }
  return { ok: false, why: 'is not a number', notANumber: true };
}
