import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cpscClasses } from '../data/cpsc';
import { decodeRecordFiles } from '../data/records';
import { initBackend } from '../ml/backend/init';
import { fixturePath } from '../test/shared-data';
import { loadPackage } from './package/archive';
import { predictRecord } from './predictor';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/models/starter-cpsc');

/** The bundled CPSC-class demonstration model (scripts/train/cpsc-demo.ts; docs/results.md). */
describe('the bundled CPSC-class demonstration model', () => {
  it('is a verified demonstration package of the CPSC classes it has examples of, evaluated once on its locked test split', async () => {
    await initBackend({ force: 'cpu' });
    const loaded = await loadPackage(pkg);
    try {
      const { manifest } = loaded;
      expect(manifest).toMatchObject({ name: 'xresnet1d50-cpsc-classes-demo', demonstration: true, researchUseOnly: true });
      // STE has no example in the pool or the CPSC/CinC records: it is not a class of the model.
      expect(manifest.classes).toEqual(['AF', 'IAVB', 'LBBB', 'PAC', 'PVC', 'RBBB', 'SNR', 'STD']);
      expect(manifest.classes.every((c) => (cpscClasses as readonly string[]).includes(c))).toBe(true);
      expect(manifest.description).toMatch(/STE has no example and is not a class/);
      expect(manifest.provenance.dataset.records).toEqual({ train: 345, val: 79, test: 63 });
      expect(manifest.provenance.test?.n).toBe(63);
      const bytes = ['manifest.json', 'model.json', 'weights.bin'].reduce((n, f) => n + statSync(path.join(pkg, f)).size, 0);
      expect(bytes).toBeLessThan(8 * 1024 * 1024);
      const base = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr');
      const prediction = await predictRecord(loaded, await decodeRecordFiles([`${base}.hea`, `${base}.dat`]));
      expect(Object.keys(prediction.probabilities ?? {})).toEqual(manifest.classes);
    } finally {
      loaded.model.dispose();
    }
  });
});
