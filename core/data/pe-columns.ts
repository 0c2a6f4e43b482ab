import { computePeScores } from '../clinic/pe-scores/index';
import { peNumberRanges, type PeBooleanItem, type PeItemId, type PeItems, type PeNumberItem } from '../clinic/pe-scores/items';
import { scoreValue } from '../clinic/pe-scores/cut-offs';
import { isPointsScore, possibleScoreRange, reachableTotals, type PointsScoreId } from '../clinic/pe-scores/completions';
import type { PeScoreId } from '../clinic/pe-scores/points';
import { isAre, listed } from '../contract/counted';
import { EinthovenError } from '../errors';
import { cellNumber, type NumberReading } from './csv-number';
import { dDimerCells, dDimerConfirmColumn, readDdimer } from './pe-ddimer-columns';
import type { PeRecordScores, PeScoreValue } from './types';

/**
 * Columns of a hospital labels CSV that carry the clinical pre-test scores for PE (README,
 * "Hospital labels CSV"). Items are preferred: every score is computed from them. A total (or a
 * decision) may be given instead when only that was recorded; given beside complete items it
 * must agree with them. An empty cell is "not assessed"; an unreadable one is refused.
 */
export const peItemColumns: Readonly<Record<PeBooleanItem | Exclude<PeNumberItem, 'ageYears'>, string>> = {
  heartRateBpm: 'heart_rate',
  // Or d_dimer_mg_l_feu / d_dimer_ug_ml_feu: the D-dimer is read from whichever holds it (pe-ddimer-columns.ts).
  dDimerNgMlFeu: 'd_dimer_ng_ml_feu',
  dvtSigns: 'dvt_signs',
  peMostLikely: 'pe_most_likely',
  immobilisationOrSurgery4w: 'immobilisation_or_surgery_4w',
  previousVte: 'previous_vte',
  haemoptysis: 'haemoptysis',
  activeCancer: 'active_cancer',
  surgeryOrFracture1m: 'surgery_or_fracture_1m',
  unilateralLegPain: 'unilateral_leg_pain',
};

/** Totals of points scores, and decisions (1 imaging indicated, 0 PE excluded) of the rules. */
export const peTotalColumns: Readonly<Record<PeScoreId, string>> = {
  wells: 'wells_total',
  revisedGeneva: 'revised_geneva_total',
  simplifiedGeneva: 'simplified_geneva_total',
  years: 'years_imaging',
  peged: 'peged_imaging',
  ageAdjustedDdimer: 'age_adjusted_ddimer_imaging',
};

/** Free text saying where the scores came from (e.g. 'ED form, prospective'); kept as provenance. */
export const peSourceColumn = 'pe_scores_source';

const yes = new Set(['1', 'yes', 'y', 'true']);
const no = new Set(['0', 'no', 'n', 'false']);
const decisions: Readonly<Record<string, number>> = { imaging: 1, excluded: 0 };

function cell(row: Record<string, string>, column: string): string {
  return (row[column] ?? '').trim();
}

function readBoolean(text: string, column: string, where: string): boolean {
  const t = text.toLowerCase();
  if (yes.has(t)) return true;
  if (no.has(t)) return false;
  throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is not yes/no (1/0, yes/no, true/false); leave it empty when not assessed`);
}

function readNumber(text: string, column: string, where: string, range: { min: number; max: number; unit: string }, reading: NumberReading): number {
  const v = cellNumber(text, column, where, reading, `a number of ${range.unit} in ${range.min}–${range.max}`);
  if (!Number.isFinite(v) || v < 0 || v > range.max) throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is not a number of ${range.unit} in ${range.min}–${range.max}`);
  if (v < range.min) throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is below ${range.min} ${range.unit}, which is not plausible`);
  return v;
}

const totalColumnNames = Object.values(peTotalColumns);

function readItems(row: Record<string, string>, where: string, reading: NumberReading): PeItems {
  const items: PeItems = {};
  for (const [id, column] of Object.entries(peItemColumns) as [keyof typeof peItemColumns, string][]) {
    const text = cell(row, column);
    if (id === 'dDimerNgMlFeu' || !text) continue;
    if (id === 'heartRateBpm') items[id] = readNumber(text, column, where, peNumberRanges[id], reading);
    else items[id] = readBoolean(text, column, where);
  }
  const confirm = cell(row, dDimerConfirmColumn);
  const dDimer = readDdimer(row, where, totalColumnNames, reading, confirm !== '' && readBoolean(confirm, dDimerConfirmColumn, where));
  if (dDimer !== undefined) items.dDimerNgMlFeu = dDimer;
  return items;
}

/** Why a points score's totals are what they are, as a refusal of another says it. */
const totalsWhy: Readonly<Record<PointsScoreId, string>> = {
  wells: "Wells adds its items' points (3, 3, 1.5, 1.5, 1.5, 1 and 1)",
  revisedGeneva: 'the revised Geneva score adds whole points',
  simplifiedGeneva: 'the simplified revised Geneva score adds whole points',
};

function readTotal(id: PeScoreId, text: string, column: string, where: string, reading: NumberReading): number {
  if (column.endsWith('_imaging')) {
    const decision = decisions[text.toLowerCase()];
    if (decision !== undefined) return decision;
    return readBoolean(text, column, where) ? 1 : 0;
  }
  const max = id === 'wells' ? 12.5 : id === 'revisedGeneva' ? 22 : 9;
  const v = cellNumber(text, column, where, reading, `a ${id} total (0–${max})`);
  if (!Number.isFinite(v) || v < 0 || v > max) throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is not a ${id} total (0–${max})`);
  const reachable = isPointsScore(id) ? reachableTotals(id) : [];
  if (isPointsScore(id) && !reachable.includes(v)) {
    throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is not a total the score's items can give: ${totalsWhy[id]}, so a total is one of ${reachable.join(', ')}`);
  }
  return v;
}

/**
 * True when the row has any PE score column filled; any D-dimer column counts, so one in DDU is
 * refused, not skipped, and so does the D-dimer's confirmation, refused without a D-dimer.
 */
function hasPeColumns(row: Record<string, string>): boolean {
  return [...Object.values(peItemColumns), ...totalColumnNames, dDimerConfirmColumn].some((c) => cell(row, c) !== '') || dDimerCells(row, totalColumnNames).length > 0;
}

/** The column an item not assessed is read from, as a message names it. */
function itemColumn(id: PeItemId): string {
  if (id === 'ageYears') return 'age';
  if (id === 'dDimerNgMlFeu') return 'the D-dimer';
  return peItemColumns[id];
}

/**
 * Refuses a total or decision that no filling of the row's items not assessed could give: beside
 * some of its items, a total is used only where the items could still come to it. Unchecked, a
 * Wells total of 2 on a row with DVT signs and PE most likely (at least 6) went into the
 * comparison as given.
 */
function checkAgainstIncompleteItems(id: PeScoreId, given: number, text: string, column: string, items: PeItems, where: string): void {
  const range = possibleScoreRange(id, items);
  if (!range || (given >= range.min - 1e-9 && given <= range.max + 1e-9)) return;
  const missing = computePeScores(items).find((r) => r.score === id)?.missing ?? [];
  const could = column.endsWith('_imaging') ? (range.max === 1 ? 'imaging' : 'excluded') : range.min === range.max ? `${range.min}` : `${range.min}–${range.max}`;
  throw new EinthovenError(
    'E_VALIDATION',
    `${where}: ${column} ${text} disagrees with the row's items: they give ${could} whatever ${listed(missing.map(itemColumn))} (not assessed) ${isAre(missing.length)}; correct the total or the items`,
  );
}

/**
 * The PE score items and values of one CSV row; undefined when the row has none. `ageYears`
 * is the row's `age` column (already read for demographics), uncapped. `reading`: whether the
 * file's delimiter lets a comma be a decimal one (by default not: a comma-separated file).
 */
export function readPeScores(row: Record<string, string>, where: string, ageYears: number | undefined, reading: NumberReading = { decimalComma: false }): PeRecordScores | undefined {
  if (!hasPeColumns(row)) return undefined;
  const items: PeItems = { ...readItems(row, where, reading), ...(ageYears === undefined ? {} : { ageYears }) };
  const results = new Map(computePeScores(items).map((r) => [r.score, r]));
  const computed = new Map([...results].map(([id, r]) => [id, scoreValue(r)]));
  const values: Partial<Record<PeScoreId, PeScoreValue>> = {};
  for (const [id, column] of Object.entries(peTotalColumns) as [PeScoreId, string][]) {
    const fromItems = computed.get(id) ?? null;
    const text = cell(row, column);
    const given = text ? readTotal(id, text, column, where, reading) : null;
    if (given !== null && fromItems !== null && Math.abs(given - fromItems) > 1e-9) {
      // A decision names its reason: it may be settled by some items with others not assessed.
      const computedText = column.endsWith('_imaging') ? `the row's items: ${results.get(id)?.summary ?? ''}` : `${fromItems} computed from the row's items`;
      throw new EinthovenError('E_VALIDATION', `${where}: ${column} ${text} disagrees with ${computedText}; correct the total or the items`);
    }
    if (given !== null && fromItems === null) checkAgainstIncompleteItems(id, given, text, column, items, where);
    if (fromItems !== null) values[id] = { value: fromItems, provenance: 'items' };
    else if (given !== null) values[id] = { value: given, provenance: 'total' };
  }
  const source = cell(row, peSourceColumn);
  return { items, values, ...(source ? { source } : {}) };
}
