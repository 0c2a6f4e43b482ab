import type * as tf from '@tensorflow/tfjs';
import { adaptiveBins } from '../models/layers/adaptive-pool';
import { encodeModel, int64, onnxOpset, type AttributeValue, type OnnxGraph } from './proto';
import { asChannelsFirst, asTfjs, cf, GraphBuilder, inputShape, OnnxExportUnsupported, type Exported, type Handler, type Weights } from './graph';
import { attentionExportBlocker, attentionHandlers } from './export-attention';

export { OnnxExportUnsupported } from './graph';

/**
 * Exports the zoo's architectures but the recurrent ones (ResNet18, xresnet1d50/101, AlexNet,
 * VGG11_bn, AttResNet, ResTransformer) to an ONNX inference graph, so a CPU runtime with
 * AVX2/AVX-512 kernels and its own threads can run their forward pass (tfjs's wasm kernels are
 * 128-bit SIMD on one thread, ~5× PyTorch; docs/benchmarks.md). Inference semantics only: batch
 * norm with running statistics, dropout as identity. GRU/LSTM layers, and attention over more
 * than maxAttentionTokens (the 2048-sample Transformer), are not exported: those models keep
 * the tfjs forward pass, and `exportOnnx` says which layer stopped it.
 *
 * Layout: tfjs tensors are channels-last [B, T, C]; ONNX's Conv and pools are [B, C, T]. The
 * input is transposed once; each layer's 3-D inputs are put in the layout its operators read
 * (inputLayouts), so a tensor is transposed only where the layout changes.
 */

/** The architectures whose every layer exports at their design input (onnx.test.ts checks this against the layers). */
export const onnxArchitectures: ReadonlySet<string> = new Set(['resnet18', 'alexnet', 'vgg11bn', 'attresnet', 'restransformer', 'xresnet1d50', 'xresnet1d101']);

interface ConvLikeConfig {
  readonly kernelSize?: number | readonly number[];
  readonly poolSize?: number | readonly number[];
  readonly strides?: number | readonly number[];
  readonly padding?: string;
  readonly dilationRate?: number | readonly number[];
  readonly activation?: string;
  readonly useBias?: boolean;
  readonly axis?: number;
  readonly epsilon?: number;
  readonly before?: number;
  readonly after?: number;
  readonly timeBins?: number;
  readonly channelBins?: number | null;
}

function first(value: number | readonly number[] | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? value : (value[0] ?? fallback);
}

/** [before, after] padding of tfjs's 'same' (TensorFlow's rule: the odd sample goes after). */
export function samePadding(length: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + kernel - length, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** tfjs conv1d kernel [k, in, out] → ONNX Conv weight [out, in, k]. */
function convWeight(kernel: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const w = new Float32Array(kernel.length);
  for (let t = 0; t < k; t++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) w[(o * cin + i) * k + t] = kernel[(t * cin + i) * cout + o] as number;
  return w;
}

/** The [T, bins] matrix whose product with x [.., T] averages torch's adaptive bins. */
function adaptiveMatrix(length: number, bins: number): Float32Array {
  const m = new Float32Array(length * bins);
  adaptiveBins(length, bins).forEach(([start, end], b) => {
    for (let t = start; t < end; t++) m[t * bins + b] = 1 / (end - start);
  });
  return m;
}

function transpose2d(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c] as number;
  return out;
}

function activation(g: GraphBuilder, x: string, name: string | undefined, layer: tf.layers.Layer): string {
  if (name === undefined || name === 'linear') return x;
  if (name === 'relu') return g.node('Relu', [x]);
  throw new OnnxExportUnsupported(layer.name, `${layer.getClassName()} with activation ${name}`);
}

function conv(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[], [kernel, bias]: Weights): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const [, length, cin] = inputShape(layer) as [null, number, number];
  const k = first(c.kernelSize, 1);
  const s = first(c.strides, 1);
  if (first(c.dilationRate, 1) !== 1) throw new OnnxExportUnsupported(layer.name, 'Conv1D with dilation');
  const cout = (kernel as Float32Array).length / (k * cin);
  const pads = c.padding === 'same' ? samePadding(length, k, s) : [0, 0];
  const inputs = [x!.name, g.constant('w', [cout, cin, k], convWeight(kernel as Float32Array, k, cin, cout))];
  if (c.useBias && bias) inputs.push(g.constant('b', [cout], bias));
  const y = g.node('Conv', inputs, { kernel_shape: { ints: [k] }, strides: { ints: [s] }, pads: { ints: pads } });
  return cf(activation(g, y, c.activation, layer));
}

function pool(op: 'MaxPool' | 'AveragePool'): Handler {
  return (g, layer, [x]) => {
    const c = layer.getConfig() as ConvLikeConfig;
    const [, length] = inputShape(layer) as [null, number];
    const k = first(c.poolSize, 2);
    const s = first(c.strides, k);
    const pads = c.padding === 'same' ? samePadding(length, k, s) : [0, 0];
    // tfjs's 'same' average pool divides by the samples inside the input, as count_include_pad 0.
    const extra: Record<string, AttributeValue> = op === 'AveragePool' ? { count_include_pad: { int: 0 } } : {};
    return cf(g.node(op, [x!.name], { kernel_shape: { ints: [k] }, strides: { ints: [s] }, pads: { ints: pads }, ...extra }));
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): Handler {
  return (g, _layer, [x]) => ({ name: g.node('Flatten', [g.node(op, [x!.name])], { axis: { int: 1 } }), layout: 'as-tfjs' });
}

function batchNorm(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[], [gamma, beta, mean, variance]: Weights): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const n = (gamma as Float32Array).length;
  const params = [gamma, beta, mean, variance].map((w, i) => g.constant(['gamma', 'beta', 'mean', 'var'][i] as string, [n], w as Float32Array));
  return { name: g.node('BatchNormalization', [x!.name, ...params], { epsilon: { float: c.epsilon ?? 1e-5 } }), layout: x!.layout };
}

function dense(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[], [kernel, bias]: Weights): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const shape = inputShape(layer);
  if (shape.length !== 2) throw new OnnxExportUnsupported(layer.name, 'Dense on a sequence');
  const units = (kernel as Float32Array).length / (shape[1] as number);
  const inputs = [x!.name, g.constant('w', [shape[1] as number, units], kernel as Float32Array)];
  if (c.useBias !== false && bias) inputs.push(g.constant('b', [units], bias));
  return { name: activation(g, g.node('Gemm', inputs), c.activation, layer), layout: 'as-tfjs' };
}

function concatenate(g: GraphBuilder, layer: tf.layers.Layer, inputs: Exported[]): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const rank = inputShape(layer).length;
  const layout = inputs[0]!.layout;
  // Only the channel axis: the last in tfjs, axis 1 both in [B, C] and in [B, C, T].
  if (!(c.axis === -1 || c.axis === rank - 1) || inputs.some((x) => x.layout !== layout) || (rank === 3 && layout !== 'channels-first')) {
    throw new OnnxExportUnsupported(layer.name, `Concatenate on axis ${c.axis}`);
  }
  return { name: g.node('Concat', inputs.map((x) => x.name), { axis: { int: 1 } }), layout };
}

function adaptivePool(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[]): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const [, length, channels] = inputShape(layer) as [null, number, number];
  const bins = c.timeBins as number;
  // [B, C, T] · [T, bins] = [B, C, bins]: the channels-first form of tfjs's [B, bins, C].
  const pooled = g.node('MatMul', [x!.name, g.constant('pool', [length, bins], adaptiveMatrix(length, bins))]);
  if (c.channelBins === null || c.channelBins === undefined) return cf(pooled);
  // [cbins, C] · [B, C, bins] = [B, cbins, bins]: exactly tfjs's output ([B, channelBins, timeBins]).
  const byChannel = transpose2d(adaptiveMatrix(channels, c.channelBins), channels, c.channelBins);
  return { name: g.node('MatMul', [g.constant('pool', [c.channelBins, channels], byChannel), pooled]), layout: 'as-tfjs' };
}

function flatten(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[]): Exported {
  return { name: g.node('Flatten', [asTfjs(g, x!, inputShape(layer).length)], { axis: { int: 1 } }), layout: 'as-tfjs' };
}

function zeroPadding(g: GraphBuilder, layer: tf.layers.Layer, [x]: Exported[]): Exported {
  const c = layer.getConfig() as ConvLikeConfig;
  const pads = g.constant('pads', [6], int64([0, 0, c.before ?? 0, 0, 0, c.after ?? 0]));
  return cf(g.node('Pad', [x!.name, pads]));
}

const handlers: Record<string, Handler> = {
  Conv1D: conv,
  EinthovenBatchNorm: batchNorm,
  ReLU: (g, _l, [x]) => ({ name: g.node('Relu', [x!.name]), layout: x!.layout }),
  Activation: (g, layer, [x]) => ({ name: activation(g, x!.name, (layer.getConfig() as ConvLikeConfig).activation, layer), layout: x!.layout }),
  Add: (g, _l, inputs) => inputs.slice(1).reduce((sum, x) => ({ name: g.node('Add', [sum.name, x.name]), layout: sum.layout }), inputs[0]!),
  MaxPooling1D: pool('MaxPool'),
  AveragePooling1D: pool('AveragePool'),
  GlobalAveragePooling1D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling1D: globalPool('GlobalMaxPool'),
  Concatenate: concatenate,
  Dense: dense,
  Dropout: (_g, _l, [x]) => x!,
  Flatten: flatten,
  EinthovenZeroPadding1D: zeroPadding,
  EinthovenAdaptiveAvgPool1D: adaptivePool,
  ...attentionHandlers,
};

/** Layers whose ONNX operators read a 3-D tensor's channels on axis 1, and those that combine inputs element by element. */
const channelsFirstLayers = new Set(['Conv1D', 'EinthovenBatchNorm', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'Concatenate', 'EinthovenZeroPadding1D', 'EinthovenAdaptiveAvgPool1D']);
const elementwiseLayers = new Set(['Add']);

/** Puts a layer's 3-D inputs in the layout its operators need: channels first, or one layout for all. */
function inputLayouts(g: GraphBuilder, layer: tf.layers.Layer, inputs: Exported[]): Exported[] {
  const cls = layer.getClassName();
  if (inputShape(layer).length !== 3) return inputs;
  const mixed = inputs.some((x) => x.layout !== inputs[0]!.layout);
  if (!channelsFirstLayers.has(cls) && !(elementwiseLayers.has(cls) && mixed)) return inputs;
  return inputs.map((x) => cf(asChannelsFirst(g, x, 3)));
}

/** The layers a model uses that have no export, or [] when the whole model exports. */
export function unsupportedLayers(model: tf.LayersModel): string[] {
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .flatMap((l) => {
      if (!(l.getClassName() in handlers)) return [`${l.name} (${l.getClassName()})`];
      const blocker = attentionExportBlocker(l);
      return blocker ? [`${l.name} (${l.getClassName()}: ${blocker})`] : [];
    });
}

interface InboundNode {
  readonly inboundLayers: tf.layers.Layer[];
}

function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  if (nodes.length !== 1) throw new OnnxExportUnsupported(layer.name, `${layer.getClassName()} applied ${nodes.length} times`);
  return nodes[0]!.inboundLayers;
}

async function weightsOf(layer: tf.layers.Layer): Promise<Float32Array[]> {
  return Promise.all(layer.getWeights().map(async (w) => Float32Array.from(await w.data<'float32'>())));
}

/**
 * The ONNX model (bytes) of a channels-last [B, T, 12] → [B, classes] tfjs model, with a
 * symbolic batch. Throws OnnxExportUnsupported naming the first layer it cannot export.
 */
export async function exportOnnx(model: tf.LayersModel): Promise<Uint8Array> {
  const missing = unsupportedLayers(model);
  if (missing.length > 0) {
    const layer = model.getLayer(missing[0]!.split(' ')[0]!);
    throw new OnnxExportUnsupported(layer.name, layer.getClassName());
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new OnnxExportUnsupported(model.name, 'a model with several inputs or outputs');
  const g = new GraphBuilder();
  const exported = new Map<string, Exported>();
  const [inputTensor] = model.inputs as [tf.SymbolicTensor];
  const [, length, leads] = inputTensor.shape as [null, number, number];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') {
      exported.set(layer.name, cf(g.node('Transpose', ['ecg'], { perm: { ints: [0, 2, 1] } })));
      continue;
    }
    const inputs = inputLayouts(g, layer, inboundLayers(layer).map((l) => exported.get(l.name)!));
    exported.set(layer.name, handlers[layer.getClassName()]!(g, layer, inputs, await weightsOf(layer)));
  }
  const last = exported.get(model.outputLayers[0]!.name)!;
  const outputShape = (model.outputs[0] as tf.SymbolicTensor).shape;
  if (outputShape.length !== 2) throw new OnnxExportUnsupported(model.name, 'an output that is not [batch, classes]');
  g.node('Identity', [last.name], undefined, 'logits');
  const graph: OnnxGraph = {
    name: model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'ecg', dims: [null, length, leads] }],
    outputs: [{ name: 'logits', dims: [null, outputShape[1] as number] }],
  };
  return encodeModel(graph, onnxOpset);
}
