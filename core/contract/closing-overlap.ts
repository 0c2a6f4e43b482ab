/**
 * Whether a fine-tuning's closing comparison's test overlap with its base's records ("2 of the 2
 * test records are among …") would say again what its not-a-locked-test warning says: every record
 * the figures are on was among the base's. The closing evaluation leaves out the test records the
 * base saw, so that happens only where it saw every one and they were scored all the same, and
 * the warning then says so, the comparison's optimism too. Where only some were seen, or whether
 * they were cannot be checked, the overlap is another fact and is said. Shared by ecg finetune's
 * closing figures and the app's result panel, so both say it once.
 */
export function overlapSaidByNotLockedTest(notLockedTest: string | null | undefined, n: number, inBaseTraining: number | null): boolean {
  return notLockedTest !== undefined && notLockedTest !== null && n > 0 && inBaseTraining === n;
}
