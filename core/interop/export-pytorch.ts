import { architectureInfo } from '../ml/models/registry';
import { loadPackage } from '../train/package/archive';
import { exportEngineWeights } from './engine-weights';
import { pytorchFormat, writePytorchDir, type PytorchConfig } from './pytorch-dir';
import { requireNewOutput } from '../storage/new-output';

/**
 * Writes a package as a PyTorch exchange folder: the twin's architecture and build options,
 * every weight (engine order and layout), the fitted preprocessing and the operating point.
 * `einthoven_ddp.load_exported(DIR)` rebuilds the twin with these weights.
 */
export async function exportPytorch(packagePath: string, outDir: string): Promise<PytorchConfig> {
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
