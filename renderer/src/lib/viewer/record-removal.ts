import { removedCountsVersions, type RecordRemoved } from '../../../../core/contract/viewer-schemas';
import { counted } from '../../../../core/contract/counted';

/** What a removal took and what it could not reach, as the app says it once the record has left the screen. */
export function removedText({ id, removed, remainsIn }: RecordRemoved): string {
  const went = [counted(removed.predictions, 'prediction'), counted(removed.readings, 'physician reading'), counted(removed.notes, 'note'), counted(removed.corrections, 'correction'), counted(removed.peAssessments, 'PE assessment')];
  return `Record ${id} was removed with ${went.join(', ')} (${removedCountsVersions}). Still holding it, to be cleared by the site's own means if they must be: ${remainsIn.join('; ')}.`;
}
