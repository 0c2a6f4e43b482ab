/**
 * What the literature says of ECG-only PE detection, in one place for the screen's caveat
 * (PeCaveat.svelte) and the printed one (print-summary.ts `predictionCaveat`), so keeping the
 * evidence current is one edit. Somani et al. 2021: AUROC 0.59 ECG alone, 0.81 with clinical
 * data (21,183 patients); Mayo Clinic AI-DNN cohort (PMC11975982): 0.69 ECG-only (79,894
 * patients); ../shared/docs/paper-spec.md §11.
 */
export const peEcgEvidence = {
  ecgOnly: [
    { auroc: 0.59, cohort: 'Somani 2021, 21,183 patients' },
    { auroc: 0.69, cohort: 'Mayo Clinic, 79,894 patients' },
  ],
  withClinicalData: { auroc: 0.81, cohort: 'Somani 2021' },
} as const;
