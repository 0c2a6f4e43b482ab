import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema, type ModelManifest } from './package/manifest';
import { unknownOverlapNote } from './unknown-overlap';

// The bundled starter's manifest, which keeps its training-record filter, and packages like it that do not.
const starter = modelManifestSchema.parse(JSON.parse(readFileSync(path.resolve('resources/models/starter/manifest.json'), 'utf8')));
const ownData = starter.provenance.dataset.sha256;
const siteData = 'f'.repeat(64);

/** The starter as written before packages kept a filter, with `provenance` changed. */
function unrecorded(name: string, provenance: Partial<ModelManifest['provenance']> = {}): ModelManifest {
  const { trainingRecords: _dropped, ...rest } = starter.provenance;
  return { ...starter, name, provenance: { ...rest, ...provenance } };
}

describe('whether test figures can be a locked test when what the model trained on is unknown', () => {
  it('can where the model keeps its training records (the overlap counts them)', () => {
    expect(unknownOverlapNote([starter], siteData)).toBeNull();
  });

  it("cannot on other data where it keeps none of its own, and says its locked test is its own data's test split; on that split it can", () => {
    expect(unknownOverlapNote([unrecorded('old')], siteData)).toBe(
      `not locked-test figures: whether the model trained or validated on these test records cannot be checked, as old keeps no record of its own training records (written before packages kept one), and a locked test holds no record the model saw; old's locked test is the test split of the data it was trained on, ${starter.provenance.dataset.name} (index ${ownData.slice(0, 12)}), as it was split and labelled then`,
    );
    expect(unknownOverlapNote([unrecorded('old')], ownData)).toBeNull();
  });

  it("cannot, even on its own data, where a base its weights started from kept none: that base's records are not held out of that split", () => {
    const tuned = { ...starter, name: 'tuned', hyperParameters: { ...starter.hyperParameters, finetuneMode: 'head' }, provenance: { ...starter.provenance, base: { id: 'b@1', name: 'base', mode: 'head' as const } } };
    expect(unknownOverlapNote([tuned], ownData)).toBe(
      "not locked-test figures: whether the model trained or validated on these test records cannot be checked, as tuned keeps no record of the training records of its base base (written before packages kept their bases'), and a locked test holds no record the model saw; a fine-tuning made again from that base with this version keeps its training records, so its test can be checked",
    );
  });

  it("cannot for a PE fusion without its network's records, whose own dataset is the rows the fusion was fitted on, not its network's training data", () => {
    expect(unknownOverlapNote([unrecorded('fusion', { base: { id: 'b@1', name: 'base', mode: 'fusion' } })], ownData)).toBe(
      'not locked-test figures: whether the model trained or validated on these test records cannot be checked, as fusion keeps no record of its own training records (written before packages kept one), and a locked test holds no record the model saw',
    );
  });

  it('cannot for an ensemble any of whose members keeps none, naming that member', () => {
    expect(unknownOverlapNote([starter, unrecorded('member')], siteData)).toMatch(/^not locked-test figures: whether the model trained or validated on these test records cannot be checked, as member keeps no record of its own training records /);
  });
});
