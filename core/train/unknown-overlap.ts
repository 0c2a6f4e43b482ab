import { wordFor } from '../contract/counted';
import { trainingRecordsOf } from './base-records';
import type { ModelManifest } from './package/manifest';

type Recorded = Pick<ModelManifest, 'id' | 'name' | 'provenance' | 'hyperParameters'>;

/**
 * Whether `evaluatedSha256` is the index digest of the data a package's weights were trained on,
 * as it was split and labelled then: its test split was then held out of that training by
 * construction, whether or not the package kept a record of its training records. A site
 * operating point's `dataset` is its base's, whose weights it has; a PE fusion's is the rows the
 * fusion was fitted on, not its network's training data, whose digest evaluate does not compute.
 */
function trainedOnThisData(manifest: Recorded, evaluatedSha256: string): boolean {
  return manifest.provenance.base?.mode !== 'fusion' && manifest.provenance.dataset.sha256 === evaluatedSha256;
}

/** What one package keeps no record of, in words, and what would let its test be checked. */
function unknownOf(manifest: Recorded, evaluatedSha256: string): { said: string[]; remedies: string[] } {
  const { own, bases } = trainingRecordsOf(manifest);
  const said: string[] = [];
  const remedies: string[] = [];
  if (!own && !trainedOnThisData(manifest, evaluatedSha256)) {
    said.push(`${manifest.name} keeps no record of its own training records (written before packages kept one)`);
    if (manifest.provenance.base?.mode !== 'fusion') remedies.push(`${manifest.name}'s locked test is the test split of the data it was trained on, ${manifest.provenance.dataset.name} (index ${manifest.provenance.dataset.sha256.slice(0, 12)}), as it was split and labelled then`);
  }
  const unknown = bases.filter((b) => !b.records).map((b) => b.name);
  if (unknown.length > 0) {
    said.push(`${manifest.name} keeps no record of the training records of its ${wordFor(unknown.length, 'base')} ${unknown.join(', ')} (written before packages kept their bases')`);
    remedies.push(`a fine-tuning made again from ${wordFor(unknown.length, 'that base', 'those bases')} with this version keeps ${wordFor(unknown.length, 'its', 'their')} training records, so its test can be checked`);
  }
  return { said, remedies };
}

/**
 * Why test figures are not a locked test when whether the model (an ensemble's members) or a base
 * its weights started from trained on their records cannot be checked, or null when it can. A
 * locked test holds no record the model saw; where that is unknown, figures kept as the model's
 * locked test (--attach, --record, the app's site evaluation, the operating-point job's) could rest
 * on its own training data and pass the promotion gate on it. The one exception is the test split
 * of the very data the weights were trained on (`evaluatedSha256` its digest): held out by
 * construction. The figures are still shown, with this note; it says what gives a locked test.
 */
export function unknownOverlapNote(manifests: readonly Recorded[], evaluatedSha256: string): string | null {
  const each = manifests.map((m) => unknownOf(m, evaluatedSha256));
  const said = each.flatMap((e) => e.said);
  if (said.length === 0) return null;
  const remedies = each.flatMap((e) => e.remedies);
  const instead = remedies.length > 0 ? `; ${remedies.join('; ')}` : '';
  return `not locked-test figures: whether the model trained or validated on these test records cannot be checked, as ${said.join('; ')}, and a locked test holds no record the model saw${instead}`;
}
