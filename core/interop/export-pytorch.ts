import { EinthovenError } from '../errors';
import { architectureInfo } from '../ml/models/registry';
import { loadPackage } from '../train/package/archive';
import type { ModelManifest } from '../train/package/manifest';
import { fusionRefusalText } from '../train/pe/fusion';
import { readManifest } from '../train/service/models';
import { exportEngineWeights } from './engine-weights';
import { pytorchFormat, writePytorchDir, type PytorchConfig } from './pytorch-dir';
import { requireNewOutput } from '../storage/new-output';

/** What a PyTorch export can be made from, for the refusals below. */
const exportable = 'a single network: a trained, fine-tuned or imported model, or a site operating point of one';

/**
 * An ensemble and a PE fusion have no PyTorch twin: the twin is one network. A fusion's folder
 * does hold its ECG network, but exported under the fusion's name it would pass for the fusion
 * (the score items' regression left behind), so both are refused, naming what to export instead
 * (an ensemble once failed as a damaged package: 'model.json: missing').
 */
function refuseUnexportable(manifest: ModelManifest, location: string): void {
  if (manifest.ensemble) {
    const members = manifest.ensemble.members.map((m) => `${m.dir} (${m.name})`).join(', ');
    throw new EinthovenError('E_UNSUPPORTED', `${location} is an ensemble (the mean of ${manifest.ensemble.members.length} models' probabilities), which has no single PyTorch twin; export can write ${exportable}: export its members one by one (${members} in its folder)`);
  }
  if (manifest.fusion) {
    const need = `export writes ${exportable}, and its regression on the ECG logit and the score items has no PyTorch twin`;
    throw new EinthovenError('E_VALIDATION', fusionRefusalText({ ...manifest, fusion: manifest.fusion }, need));
  }
}

/**
 * Writes a package as a PyTorch exchange folder: the twin's architecture and build options,
 * every weight (engine order and layout), the fitted preprocessing and the operating point.
 * `einthoven_ddp.load_exported(DIR)` rebuilds the twin with these weights.
 */
export async function exportPytorch(packagePath: string, outDir: string): Promise<PytorchConfig> {
  refuseUnexportable(await readManifest(packagePath), packagePath);
  requireNewOutput(outDir, 'a PyTorch export');
  const loaded = await loadPackage(packagePath);
  try {
    const { manifest } = loaded;
    const { name, buildOptions } = manifest.architecture;
    const { tensors, layers } = await exportEngineWeights(loaded.model, name, buildOptions);
    const config: PytorchConfig = {
      ...pytorchFormat,
      name: manifest.name,
      architecture: { name, buildOptions, inputLength: buildOptions.inputLength ?? architectureInfo(name).inputLength },
      classes: manifest.classes,
      preprocessing: manifest.preprocessing,
      inference: manifest.inference,
      operatingPoint: manifest.operatingPoint,
      source: { id: manifest.id, weightsSha256: manifest.weightsSha256 },
    };
    await writePytorchDir(outDir, config, tensors, layers);
    return config;
  } finally {
    loaded.model.dispose();
  }
}
