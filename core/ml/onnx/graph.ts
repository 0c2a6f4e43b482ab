import type * as tf from '@tensorflow/tfjs';
import type { OnnxInitializer, OnnxNode } from './proto';

/** What the ONNX exporters share: the graph under construction and how its tensors are laid out. */

export class OnnxExportUnsupported extends Error {
  constructor(readonly layer: string, readonly className: string) {
    super(`layer '${layer}' (${className}) has no ONNX export; the model runs on tfjs`);
  }
}

/** How an exported tensor relates to the tfjs tensor of the same layer. */
export type Layout = 'channels-first' | 'as-tfjs';

export interface Exported {
  readonly name: string;
  readonly layout: Layout;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  #count = 0;

  fresh(base: string): string {
    return `${base}__${this.#count++}`;
  }

  node(op: string, inputs: string[], attributes?: OnnxNode['attributes'], output?: string): string {
    const out = output ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    return out;
  }

  constant(base: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data });
    return name;
  }
}

export function inputShape(layer: tf.layers.Layer): readonly (number | null)[] {
  const input = layer.input;
  return (Array.isArray(input) ? input[0]! : input).shape;
}

/** Puts a 3-D tensor back in tfjs's [B, T, C] order (before a Flatten or a Dense). */
export function asTfjs(g: GraphBuilder, x: Exported, rank: number): string {
  return x.layout === 'channels-first' && rank === 3 ? g.node('Transpose', [x.name], { perm: { ints: [0, 2, 1] } }) : x.name;
}

/** Puts a 3-D tensor in [B, C, T] (ONNX's Conv, pools and BatchNormalization read channels on axis 1). */
export function asChannelsFirst(g: GraphBuilder, x: Exported, rank: number): string {
  return x.layout === 'as-tfjs' && rank === 3 ? g.node('Transpose', [x.name], { perm: { ints: [0, 2, 1] } }) : x.name;
}

export type Weights = Float32Array[];
export type Handler = (g: GraphBuilder, layer: tf.layers.Layer, inputs: Exported[], weights: Weights) => Exported;

export const cf = (name: string): Exported => ({ name, layout: 'channels-first' });

