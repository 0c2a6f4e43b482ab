import { dDimerCeilingMgLFeu, dDimerFloorNgMlFeu, dDimerLooksLikeNgMl, dDimerMixUp, dDimerNeedsUnitConfirmation, dDimerUnitQuestion, ngMlFeuFrom, peNumberRanges, type DdimerFeuUnit } from '../clinic/pe-scores/items';
import { EinthovenError } from '../errors';
import { cellNumber, type NumberReading } from './csv-number';

/**
 * The labels-CSV columns a D-dimer may be given in, with each one's FEU unit: the unit the
 * laboratory reports, converted to the stored ng/mL FEU as the form's unit selector converts it
 * (ngMlFeuFrom). µg/mL is mg/L. D-dimer units (DDU) have no column: see dduRefusal.
 */
export const dDimerColumns: Readonly<Record<string, DdimerFeuUnit>> = {
  d_dimer_ng_ml_feu: 'ng/mL FEU',
  d_dimer_mg_l_feu: 'mg/L FEU',
  d_dimer_ug_ml_feu: 'mg/L FEU',
};

/**
 * The column that confirms a D-dimer in d_dimer_ng_ml_feu low enough to be a result in mg/L FEU
 * given as ng/mL (dDimerNeedsUnitConfirmation): `yes` on that row, where the lab reported it in
 * ng/mL. Only such a row may have it, so a column of `yes` on every row confirms nothing.
 */
export const dDimerConfirmColumn = 'd_dimer_ng_ml_feu_confirmed';

const columnUnits = new Map(Object.entries(dDimerColumns));
const ngMlColumn = 'd_dimer_ng_ml_feu';
const mgLColumn = 'd_dimer_mg_l_feu';
const feuColumnList = 'd_dimer_ng_ml_feu, d_dimer_mg_l_feu or d_dimer_ug_ml_feu';

/** A header that names the D-dimer or DDU in any spelling ('D-dimer (DDU)', 'ddimer_ng_ml'). */
const namesDdimer = /d[\s_-]?dimer|ddu/i;

/**
 * The filled cells of the row's D-dimer columns, documented or not, as [column, text]; `decisions`
 * are columns that name the D-dimer but hold a rule's decision (age_adjusted_ddimer_imaging).
 */
export function dDimerCells(row: Record<string, string>, decisions: readonly string[]): [string, string][] {
  return Object.entries(row)
    .filter(([column]) => namesDdimer.test(column) && column !== dDimerConfirmColumn && !decisions.includes(column))
    .map(([column, text]): [string, string] => [column, (text ?? '').trim()])
    .filter(([, text]) => text !== '');
}

/**
 * Why a DDU column is refused rather than converted: FEU is about twice DDU (fibrinogen is about
 * twice the mass of the D-dimer fragment), but assays are calibrated differently, so the factor
 * varies between them (Favaloro & Thachil, Clin Chem Lab Med 2020;58:1191–9; Lippi et al., Semin
 * Thromb Hemost 2015;41:287–93). The form refuses DDU too (its unit selector is FEU only).
 */
function dduRefusal(column: string, where: string): EinthovenError {
  return new EinthovenError(
    'E_FORMAT',
    `${where}: ${column} gives the D-dimer in D-dimer units (DDU), which is not read: FEU is about twice DDU, but the factor depends on the assay and its calibrator, so no fixed factor is right; give the FEU result (${feuColumnList})`,
  );
}

function undocumentedRefusal(column: string, where: string): EinthovenError {
  if (/ddu/i.test(column)) return dduRefusal(column, where);
  return new EinthovenError('E_FORMAT', `${where}: ${column} is not a D-dimer column read here (its unit is not known); give the FEU result in ${feuColumnList}`);
}

/** Why a D-dimer outside the plausible range is refused, naming the likely unit mix-up and the column that fits it. */
function rangeRefusal(column: string, text: string, value: number, unit: DdimerFeuUnit, where: string): EinthovenError {
  const { min, max, unit: stored } = peNumberRanges.dDimerNgMlFeu;
  const ngMl = ngMlFeuFrom(value, unit);
  const as = unit === 'ng/mL FEU' ? `${column} '${text}' is` : `${column} '${text}' is ${ngMl} ${stored},`;
  if (ngMl > max && unit === 'mg/L FEU') return new EinthovenError('E_FORMAT', `${where}: ${as} ${dDimerLooksLikeNgMl(value)}; give it in ${ngMlColumn}`);
  if (ngMl > max) return new EinthovenError('E_FORMAT', `${where}: ${as} above ${max} ${stored}, which is not plausible`);
  // Below the floor in ng/mL is most likely mg/L: 0.65 read as ng/mL would exclude PE.
  const hint = unit === 'ng/mL FEU' && value > 0 ? `; ${dDimerMixUp(value)}: give it in ${mgLColumn}` : '';
  return new EinthovenError('E_FORMAT', `${where}: ${as} below ${min} ${stored}, which is not plausible${hint}`);
}

/** Why a D-dimer low enough to be mg/L FEU given as ng/mL is refused without its confirmation, and how to give either. */
function unconfirmedRefusal(column: string, text: string, value: number, where: string): EinthovenError {
  const either = `give it in ${mgLColumn}, or set ${dDimerConfirmColumn} to yes if the lab reported ${value} ng/mL FEU`;
  return new EinthovenError('E_FORMAT', `${where}: ${column} '${text}': ${dDimerUnitQuestion(value)}: ${either}`);
}

/** A confirmation on a row without a D-dimer that needs one: a blanket `yes` would confirm nothing. */
function strayConfirmation(where: string): EinthovenError {
  const range = `${dDimerFloorNgMlFeu}–${dDimerCeilingMgLFeu}`;
  return new EinthovenError('E_FORMAT', `${where}: ${dDimerConfirmColumn} is yes without a ${ngMlColumn} of ${range} to confirm; leave it empty`);
}

function readValue(column: string, text: string, unit: DdimerFeuUnit, where: string, reading: NumberReading, confirmed: boolean): number {
  const value = cellNumber(text, column, where, reading, `a number of ${unit}`);
  if (!Number.isFinite(value) || value < 0) throw new EinthovenError('E_FORMAT', `${where}: ${column} '${text}' is not a number of ${unit}`);
  const ngMl = ngMlFeuFrom(value, unit);
  const { min, max } = peNumberRanges.dDimerNgMlFeu;
  if (ngMl < min || ngMl > max) throw rangeRefusal(column, text, value, unit, where);
  const needed = dDimerNeedsUnitConfirmation(value, unit);
  if (needed && !confirmed) throw unconfirmedRefusal(column, text, value, where);
  if (!needed && confirmed) throw strayConfirmation(where);
  return ngMl;
}

/**
 * The row's D-dimer in ng/mL FEU, from whichever documented column holds it; undefined when none
 * does (not assessed). A filled D-dimer column of unknown or DDU unit is refused, not skipped:
 * skipped, the D-dimer rules would silently go uncomputed for the row. `confirmed`: the row's
 * dDimerConfirmColumn says yes.
 */
export function readDdimer(row: Record<string, string>, where: string, decisions: readonly string[], reading: NumberReading, confirmed: boolean): number | undefined {
  const given = dDimerCells(row, decisions).map(([column, text]) => {
    const unit = columnUnits.get(column);
    if (!unit) throw undocumentedRefusal(column, where);
    return { column, text, unit };
  });
  if (given.length > 1) throw new EinthovenError('E_FORMAT', `${where}: the D-dimer is given in both ${given.map((g) => g.column).join(' and ')}; give it in one column`);
  const [one] = given;
  if (!one && confirmed) throw strayConfirmation(where);
  return one ? readValue(one.column, one.text, one.unit, where, reading, confirmed) : undefined;
}
