import { describe, expect, it } from 'vitest';
import { modelDetail } from '../../engine/model-detail';
import { readManifest } from '../../train/service/models';
import { modelCardLines } from './model-inspect';
import { resolveModel } from './model-path';

describe('the operating point in text output, said as every prediction says it', () => {
  it('model inspect of a site operating point names its rule, where it printed "sensitivity 0.95"', async () => {
    const location = await resolveModel('starter');
    const manifest = await readManifest(location);
    const detail = modelDetail({ manifest: { ...manifest, operatingPoint: { ...manifest.operatingPoint, method: 'sensitivity', target: 0.95 } }, location, bundled: true });
    expect(modelCardLines(detail).join('\n')).toMatch(/\n {2}operating point: rule-out: sensitivity ≥ 0\.95 on validation, temperature \d+\.\d\d, thresholds NORM /);
  });

});
