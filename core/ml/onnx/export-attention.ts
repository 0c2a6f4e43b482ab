import type * as tf from '@tensorflow/tfjs';
import { sinusoidTable } from '../models/layers/positional-encoding';
import { asTfjs, inputShape, type GraphBuilder, type Handler } from './graph';
import { int64 } from './proto';

/**
 * ONNX export of the attention layers (AttResNet's bare self-attention, ResTransformer's encoder
 * layers and positional encoding), in inference mode, as layers/attention.ts computes them:
 * in_proj → heads [B, h, T, dh] → softmax(q·kᵀ/√dh)·v → out_proj; post-LN encoder layers with
 * a ReLU feed-forward block. Opset 13 has no LayerNormalization: it is decomposed.
 */

/**
 * Longest sequence whose attention is exported: onnxruntime materialises the whole
 * [batch, heads, T, T] score tensor (tfjs's attentionCore computes it chunk by chunk), which for
 * the 2048-sample Transformer at batch 32 would be 2 GB. Its 64-token trunks (AttResNet,
 * ResTransformer) are far below.
 */
export const maxAttentionTokens = 512;

const attentionClasses = new Set(['EinthovenMultiHeadAttention', 'EinthovenTransformerEncoderLayer']);

/** Why a layer that has an export is not exported in this model, or undefined. */
export function attentionExportBlocker(layer: tf.layers.Layer): string | undefined {
  if (!attentionClasses.has(layer.getClassName())) return undefined;
  const steps = inputShape(layer)[1];
  return typeof steps === 'number' && steps <= maxAttentionTokens ? undefined : `attention over ${String(steps)} tokens (more than ${maxAttentionTokens})`;
}

interface AttentionParams {
  readonly inKernel: Float32Array;
  readonly inBias: Float32Array;
  readonly outKernel: Float32Array;
  readonly outBias: Float32Array;
}

/** x [B, T, d] · W [d, n] + b. */
function linear(g: GraphBuilder, x: string, kernel: Float32Array, bias: Float32Array, rows: number, cols: number): string {
  return g.node('Add', [g.node('MatMul', [x, g.constant('w', [rows, cols], kernel)]), g.constant('b', [cols], bias)]);
}

/** nn.MultiheadAttention self-attention on x [B, T, d] (layers/attention.ts selfAttention). */
function selfAttention(g: GraphBuilder, x: string, steps: number, d: number, heads: number, w: AttentionParams): string {
  const dh = d / heads;
  const qkv = linear(g, x, w.inKernel, w.inBias, d, 3 * d); // [B, T, 3d]: q | k | v, heads contiguous
  const split = g.node('Transpose', [g.node('Reshape', [qkv, g.constant('shape', [5], int64([0, steps, 3, heads, dh]))])], { perm: { ints: [2, 0, 3, 1, 4] } });
  const [q, k, v] = [0, 1, 2].map((i) => g.node('Gather', [split, g.constant('index', [], int64([i]))], { axis: { int: 0 } })) as [string, string, string];
  const scaled = g.node('Mul', [q, g.constant('scale', [1], Float32Array.of(1 / Math.sqrt(dh)))]);
  const scores = g.node('MatMul', [scaled, g.node('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } })]); // [B, h, T, T]
  const context = g.node('MatMul', [g.node('Softmax', [scores], { axis: { int: 3 } }), v]); // [B, h, T, dh]
  const merged = g.node('Reshape', [g.node('Transpose', [context], { perm: { ints: [0, 2, 1, 3] } }), g.constant('shape', [3], int64([0, steps, d]))]);
  return linear(g, merged, w.outKernel, w.outBias, d, d);
}

/** LayerNorm over the last axis of [B, T, d] (torch eps 1e-5), decomposed for opset 13. */
function layerNorm(g: GraphBuilder, x: string, gamma: Float32Array, beta: Float32Array): string {
  const d = gamma.length;
  const mean = g.node('ReduceMean', [x], { axes: { ints: [2] }, keepdims: { int: 1 } });
  const centred = g.node('Sub', [x, mean]);
  const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], { axes: { ints: [2] }, keepdims: { int: 1 } });
  const normed = g.node('Div', [centred, g.node('Sqrt', [g.node('Add', [variance, g.constant('eps', [1], Float32Array.of(1e-5))])])]);
  return g.node('Add', [g.node('Mul', [normed, g.constant('gamma', [d], gamma)]), g.constant('beta', [d], beta)]);
}

function tokens(layer: tf.layers.Layer): [number, number] {
  const [, steps, d] = inputShape(layer) as [null, number, number];
  return [steps, d];
}

const multiHeadAttention: Handler = (g, layer, [x], [inKernel, inBias, outKernel, outBias]) => {
  const [steps, d] = tokens(layer);
  const heads = (layer.getConfig() as { heads: number }).heads;
  const params = { inKernel: inKernel!, inBias: inBias!, outKernel: outKernel!, outBias: outBias! };
  return { name: selfAttention(g, asTfjs(g, x!, 3), steps, d, heads, params), layout: 'as-tfjs' };
};

/** Post-LN encoder layer (layers/transformer-encoder.ts): LN1(x + attention(x)), then LN2(h + FF(h)). */
const transformerEncoderLayer: Handler = (g, layer, [x], weights) => {
  const [inKernel, inBias, outKernel, outBias, ff1Kernel, ff1Bias, ff2Kernel, ff2Bias, ln1Gamma, ln1Beta, ln2Gamma, ln2Beta] = weights as Float32Array[];
  const [steps, d] = tokens(layer);
  const { heads, feedForward: ff } = layer.getConfig() as { heads: number; feedForward: number };
  const input = asTfjs(g, x!, 3);
  const attended = selfAttention(g, input, steps, d, heads, { inKernel: inKernel!, inBias: inBias!, outKernel: outKernel!, outBias: outBias! });
  const h = layerNorm(g, g.node('Add', [input, attended]), ln1Gamma!, ln1Beta!);
  const hidden = g.node('Relu', [linear(g, h, ff1Kernel!, ff1Bias!, d, ff)]);
  const out = layerNorm(g, g.node('Add', [h, linear(g, hidden, ff2Kernel!, ff2Bias!, ff, d)]), ln2Gamma!, ln2Beta!);
  return { name: out, layout: 'as-tfjs' };
};

const positionalEncoding: Handler = (g, layer, [x]) => {
  const [steps, d] = tokens(layer);
  return { name: g.node('Add', [asTfjs(g, x!, 3), g.constant('positions', [steps, d], sinusoidTable(steps, d))]), layout: 'as-tfjs' };
};

export const attentionHandlers: Record<string, Handler> = {
  EinthovenMultiHeadAttention: multiHeadAttention,
  EinthovenTransformerEncoderLayer: transformerEncoderLayer,
  EinthovenSinusoidalPositionalEncoding: positionalEncoding,
};
