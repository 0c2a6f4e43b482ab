/**
 * The whole prediction (core/train/predictor.ts predictRecord: probabilities, decisions,
 * abstention and its reason, the quality gate's verdict and reasons, the scope check's reasons and
 * notes) of the bundled starter on the PTB-XL fixture records and copies of four of them
 * (core/test/prediction-fixtures.ts), on the cpu backend, so that a change meant to make a
 * prediction faster and leave its output as it was fails core/train/predictor-equivalence.test.ts
 * if it does not. Written by the engine before such a change:
 *
 *   npx tsx scripts/train/prediction-golden.ts   → core/test/fixtures/train/prediction-golden.json
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../../core/ml/backend/init';
import { inferenceEngineReport } from '../../core/ml/onnx/runtime';
import { loadPackage } from '../../core/train/package/archive';
import { predictRecord } from '../../core/train/predictor';
import { predictionCases } from '../../core/test/prediction-fixtures';
import { fixturePath } from '../../core/test/shared-data';

await initBackend({ force: 'cpu' });
const loaded = await loadPackage(path.join('resources', 'models', 'starter'));
const lines: string[] = [];
let abstained = 0;
for (const { key, record } of await predictionCases()) {
  const prediction = await predictRecord(loaded, record);
  if (prediction.abstained) abstained++;
  lines.push(`    ${JSON.stringify(key)}: ${JSON.stringify(prediction)}`);
}
const header = { generator: 'scripts/train/prediction-golden.ts', model: loaded.manifest.id, backend: 'cpu', forwardPass: (await inferenceEngineReport()).engine };
const json = `${JSON.stringify(header, null, 2).replace(/\n}$/, ',')}\n  "predictions": {\n${lines.join(',\n')}\n  }\n}\n`;
await writeFile(fixturePath('train', 'prediction-golden.json'), json);
console.log(`${lines.length} predictions, ${abstained} abstained`);
