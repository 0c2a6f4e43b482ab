/**
 * Golden outputs of the shipped starter model (resources/models/starter) on fixture records,
 * so any change to the architectures, kernels or signal pipeline that silently alters what the
 * shipped model predicts fails core/train/starter.test.ts.
 *
 *   npx tsx scripts/train/starter-expected.ts   → core/test/fixtures/train/starter-expected.json
 */
import { writeFile } from 'node:fs/promises';
import { decodeRecordFiles } from '../../core/data/records';
import { initBackend } from '../../core/ml/backend/init';
import { loadPackage } from '../../core/train/package/archive';
import { predictRecord } from '../../core/train/predictor';
import { fixturePath } from '../../core/test/shared-data';

const records = ['00001', '00008', '00017', '00077'];
await initBackend({ force: 'cpu' });
const loaded = await loadPackage('resources/models/starter');
const expected: Record<string, Record<string, number> | null> = {};
for (const id of records) {
  const base = fixturePath('train', 'ptbxl', 'records100', '00000', `${id}_lr`);
  const record = await decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
  expected[id] = (await predictRecord(loaded, record)).probabilities;
}
await writeFile(fixturePath('train', 'starter-expected.json'), `${JSON.stringify({ generator: 'scripts/train/starter-expected.ts', model: loaded.manifest.id, backend: 'cpu', probabilities: expected }, null, 2)}\n`);
console.log(JSON.stringify(expected));
