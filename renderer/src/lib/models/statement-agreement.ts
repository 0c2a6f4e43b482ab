/**
 * Where a model's output and the rule-based statements of the same record disagree on a class
 * both speak to. A reviewer saw the CPSC-class model give "AF 3.1 %, not flagged" beside "Atrial
 * fibrillation or flutter suspected" on the same screen, and nothing said they differed.
 *
 * The classes are the CPSC ones the demonstration model was trained on, mapped to the statements
 * by the codes its training labels came from (docs/results.md, "Mapping"): AF from AFIB (flutter,
 * AFLT, is stated by the same rule and counted with it here), IAVB from 1AVB, LBBB from CLBBB,
 * RBBB from CRBBB, PAC and PVC from the same codes. SNR and ST classes have no rule counterpart.
 */
const statementCodesOf: Readonly<Record<string, readonly string[]>> = {
  AF: ['AFIB', 'AFLT'],
  IAVB: ['1AVB'],
  LBBB: ['CLBBB'],
  RBBB: ['CRBBB'],
  PAC: ['PAC'],
  PVC: ['PVC'],
};

export interface Disagreement {
  readonly className: string;
  /** True: the model flags the class and no statement says it; false: a statement says it and the model does not flag it. */
  readonly modelFlags: boolean;
  /** The statements' words for it, when they say it. */
  readonly statementText: string | null;
}

/**
 * Each class the model and the statements both speak to and disagree on. `decisions`: the
 * model's flags at its operating point; `statements`: the record's rule-based statements (empty
 * when they were withheld, and then nothing is compared).
 */
export function disagreementsWithStatements(decisions: Readonly<Record<string, boolean>>, statements: readonly { code: string; text: string }[]): Disagreement[] {
  if (statements.length === 0) return [];
  return Object.entries(decisions).flatMap(([className, flagged]) => {
    const codes = statementCodesOf[className];
    if (!codes) return [];
    const said = statements.find((s) => codes.includes(s.code));
    if (flagged === (said !== undefined)) return [];
    return [{ className, modelFlags: flagged, statementText: said?.text ?? null }];
  });
}

/** One disagreement in words, the same on screen and on paper. `label`: the class in words; `probability`: as shown. */
export function disagreementWords(d: Disagreement, label: string, probability: string): string {
  return d.modelFlags ? `this model flags ${label}; no statement says so` : `the statements say “${d.statementText ?? ''}”; this model does not flag ${label} (${probability})`;
}
