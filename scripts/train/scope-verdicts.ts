/**
 * The scope verdict (core/train/scope.ts scopeFindings: reasons with their kinds, and notes) of
 * every record of the PTB-XL pool (../shared/data/ptbxl-pool, records100 and records500, 912
 * headers) against the bundled starter's intended input, so that a change meant to make the
 * judgement faster and leave every verdict as it was fails core/train/scope-pool.test.ts if it
 * does not. Written by the engine before such a change:
 *
 *   npx tsx scripts/train/scope-verdicts.ts   → core/test/fixtures/train/scope-pool-verdicts.json
 */
import { writeFile } from 'node:fs/promises';
import { poolScopeVerdicts, starterIntendedInput } from '../../core/test/scope-pool';
import { fixturePath, sharedDataPath } from '../../core/test/shared-data';

const verdicts = await poolScopeVerdicts(sharedDataPath('ptbxl-pool'), starterIntendedInput());
const lines = Object.entries(verdicts).map(([id, v]) => `    ${JSON.stringify(id)}: ${JSON.stringify(v)}`);
const json = `{\n  "generator": "scripts/train/scope-verdicts.ts",\n  "intendedInput": "resources/models/starter",\n  "verdicts": {\n${lines.join(',\n')}\n  }\n}\n`;
await writeFile(fixturePath('train', 'scope-pool-verdicts.json'), json);
console.log(`${lines.length} verdicts, ${Object.values(verdicts).filter((v) => v.reasons.length > 0).length} outside the intended input`);
