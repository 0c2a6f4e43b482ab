import * as tf from '@tensorflow/tfjs';
import { EinthovenError } from '../errors';
import { withoutInitialDraws } from '../ml/models/init';
import { buildModel, isBuiltAs, type BuildOptions } from '../ml/models/registry';
import type { NamedArray } from './safetensors';

/**
 * Weights in "engine order": every layer that holds weights, in the order the architecture's
 * builder creates them (core/ml/models), each weight under `NNNN.<name>` in the engine's own
 * layout (channels-last kernels, [in, out] dense kernels). The PyTorch twins
 * (distributed/einthoven_ddp/models.py) run their modules in the same order, so the two sides
 * pair layers by position and convert layouts in one place (einthoven_ddp/engine_weights.py),
 * with every shape checked — no name tables kept in two languages.
 */
export interface EngineLayerSpec {
  readonly index: number;
  readonly className: string;
  readonly weights: readonly string[];
}

/** Where the weight's own name starts: tfjs names weights `<layer name>/<weight name>`. */
function shortName(originalName: string): string {
  return originalName.slice(originalName.lastIndexOf('/') + 1);
}

export function engineKey(index: number, weight: string): string {
  return `${String(index).padStart(4, '0')}.${weight}`;
}

/** The layers in the order they were created (tfjs numbers layers as it creates them), weightless ones left out. */
function inCreationOrder(layers: readonly tf.layers.Layer[], ids: readonly number[]): tf.layers.Layer[] {
  const order = ids.map((id, i) => ({ id, i })).sort((a, b) => a.id - b.id);
  return order.map(({ i }) => layers[i] as tf.layers.Layer).filter((layer) => layer.weights.length > 0);
}

/**
 * The model's weighted layers in builder order. `model.layers` is in topological order, not
 * creation order. A model buildModel built as this architecture (a loaded package's, an import's)
 * was created in builder order, so its own layer numbers give it. Any other (a model read from
 * JSON) is matched against the same architecture built afresh (same options), whose creation
 * order is the builder's and whose layer i has the same class and shapes. That second model
 * cost as much as the first, every weight allocated (VGG11-bn's 35 million), on every export and import.
 */
export function engineOrderLayers(model: tf.LayersModel, architecture: string, buildOptions: BuildOptions): tf.layers.Layer[] {
  if (isBuiltAs(model, architecture, buildOptions)) return inCreationOrder(model.layers, model.layers.map((layer) => layer.id));
  const fresh = withoutInitialDraws(() => buildModel(architecture, buildOptions)); // read for its layers' order and shapes only
  try {
    if (fresh.layers.length !== model.layers.length) {
      throw new EinthovenError('E_MODEL', `the model has ${model.layers.length} layers; ${architecture} with these options has ${fresh.layers.length}`);
    }
    fresh.layers.forEach((layer, i) => {
      const other = model.layers[i] as tf.layers.Layer;
      const shapes = (l: tf.layers.Layer) => JSON.stringify(l.weights.map((w) => w.shape));
      if (layer.getClassName() !== other.getClassName() || shapes(layer) !== shapes(other)) {
        throw new EinthovenError('E_MODEL', `layer ${i} (${other.getClassName()}) does not match ${architecture}'s ${layer.getClassName()}`);
      }
    });
    return inCreationOrder(model.layers, fresh.layers.map((layer) => layer.id));
  } finally {
    fresh.dispose();
  }
}

/** Every weight of the model (BN running statistics included) in engine order and layout. */
export async function exportEngineWeights(model: tf.LayersModel, architecture: string, buildOptions: BuildOptions): Promise<{ tensors: NamedArray[]; layers: EngineLayerSpec[] }> {
  const layers = engineOrderLayers(model, architecture, buildOptions);
  const tensors: NamedArray[] = [];
  const specs: EngineLayerSpec[] = [];
  for (const [index, layer] of layers.entries()) {
    const names = layer.weights.map((w) => shortName(w.originalName));
    // Read asynchronously: the webgpu backend has no synchronous read in Node. Taken as data() gives
    // them (float32: every weight is), as the arrays are only read; Float32Array.from copied each
    // again, element by element (a second of CPU for VGG11-bn's 35 million weights).
    for (const [j, w] of layer.weights.entries()) {
      tensors.push({ name: engineKey(index, names[j] as string), shape: w.shape as number[], data: (await w.read().data()) as Float32Array });
    }
    specs.push({ index, className: layer.getClassName(), weights: names });
  }
  return { tensors, layers: specs };
}

/** Whether every value is finite; a plain loop, where `every(Number.isFinite)` made a call per weight (35 million for VGG11-bn). */
function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** Sets every weight of the model from engine-order tensors; E_MODEL naming the first missing or misshapen one. */
export function importEngineWeights(model: tf.LayersModel, architecture: string, buildOptions: BuildOptions, tensors: readonly NamedArray[]): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const layers = engineOrderLayers(model, architecture, buildOptions);
  const expected = layers.reduce((n, l) => n + l.weights.length, 0);
  if (tensors.length !== expected) throw new EinthovenError('E_MODEL', `${tensors.length} tensors for ${architecture}, which has ${expected} weights`);
  layers.forEach((layer, index) => {
    const values = layer.weights.map((w) => {
      const key = engineKey(index, shortName(w.originalName));
      const t = byName.get(key);
      if (!t) throw new EinthovenError('E_MODEL', `weight ${key} (${layer.getClassName()}) is missing`);
      if (JSON.stringify(t.shape) !== JSON.stringify(w.shape)) {
        throw new EinthovenError('E_MODEL', `weight ${key} has shape [${t.shape.join(', ')}], ${architecture} needs [${w.shape.join(', ')}]`);
      }
      if (!allFinite(t.data)) throw new EinthovenError('E_MODEL', `weight ${key} holds non-finite values`);
      return tf.tensor(t.data, [...t.shape]);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
}
