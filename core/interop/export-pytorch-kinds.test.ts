import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../ml/backend/init';
import { saveEnsemblePackage } from '../train/ensemble/package';
import { loadPackage } from '../train/package/archive';
import { exportPytorch } from './export-pytorch';

const starter = path.resolve('resources/models/starter');
let ensemble: string;
let out: string;

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
  const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-export-kinds-'));
  out = path.join(dir, 'exported');
  ensemble = path.join(dir, 'pair');
  // Two copies of the starter make a valid ensemble package (the writer needs no data).
  const loaded = await loadPackage(starter);
  try {
    const { name, description, demonstration, operatingPoint, provenance, hyperParameters } = loaded.manifest;
    await saveEnsemblePackage(ensemble, [{ location: starter, loaded }, { location: starter, loaded }], { name: `${name}-pair`, description, demonstration, operatingPoint, provenance, hyperParameters });
  } finally {
    loaded.model.dispose();
  }
});

describe('model export-pytorch of a package that is not one network', () => {
  it('refuses an ensemble saying it is one and naming the members to export, where it reported model.json missing as if the package were damaged', async () => {
    const error = await exportPytorch(ensemble, out).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_UNSUPPORTED' });
    expect((error as Error).message).toMatch(/is an ensemble \(the mean of 2 models' probabilities\), which has no single PyTorch twin; .*export its members one by one \(members\/01 \(xresnet1d50-ptbxl-pool-demo\), members\/02 /);
    expect(existsSync(out)).toBe(false);
  });

  it('every reader of one network (fine-tuning base, ensemble member, PE fusion base) refuses an ensemble as one, naming its members', async () => {
    const error = await loadPackage(ensemble).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_UNSUPPORTED' });
    expect((error as Error).message).toMatch(/is an ensemble package \(the mean of its members' probabilities\), and this takes a single model: give one of its members, members\/01 \(.*\), members\/02 /);
  });
});
