import { readDecimal } from '../clinic/decimal-text';
import { EinthovenError } from '../errors';

/**
 * How the CSV's numbers are read: `decimalComma` where its fields are separated by ';' or tabs,
 * so a comma in a cell can only be a decimal one (core/clinic/decimal-text.ts); in a
 * comma-separated file a comma in a number is refused, saying why.
 */
export interface NumberReading {
  readonly decimalComma: boolean;
}

/**
 * A cell's number, or the refusal naming the row, the column, the text and why it is not read;
 * `what` the cell should be ('a number of beats/min'), said when the text is no number at all.
 */
export function cellNumber(text: string, column: string, where: string, reading: NumberReading, what: string): number {
  const read = readDecimal(text, reading.decimalComma);
  if (!read.ok) throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' ${read.notANumber ? `is not ${what}` : read.why}`);
  return read.value;
}
