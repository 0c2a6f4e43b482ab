import { removedCountsVersions, type RecordRemoved } from '../../../../core/contract/viewer-schemas';

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** What a removal took and what it could not reach, as the app says it once the record has left the screen. */
export function removedText({ id, removed, remainsIn }: RecordRemoved): string {
  const went = [count(removed.predictions, 'prediction'), count(removed.readings, 'physician reading'), count(removed.notes, 'note'), count(removed.corrections, 'correction'), count(removed.peAssessments, 'PE assessment')];
  return `Record ${id} was removed with ${went.join(', ')} (${removedCountsVersions}). Still holding it, to be cleared by the site's own means if they must be: ${remainsIn.join('; ')}.`;
}
