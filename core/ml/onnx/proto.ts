/**
 * The few ONNX protobuf messages an inference graph needs (onnx/onnx.proto, IR version 8),
 * written by hand: a dependency on protobufjs and the ONNX schema for ~10 message types would
 * outweigh this file. Field numbers and wire types are onnx.proto's; the runtime validates the
 * result when it loads it, and the parity tests compare its outputs with tfjs's.
 */

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  #bytes = new Uint8Array(1024);
  #length = 0;

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  #varint(value: number): void {
    // Values here are non-negative and below 2^53 (sizes, dims, enum values, attribute ints ≥ 0).
    this.#reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.#bytes[this.#length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#bytes[this.#length++] = v;
  }

  #tag(field: number, wireType: 0 | 2 | 5): void {
    this.#varint(field * 8 + wireType);
  }

  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`protobuf field ${field}: ${value} is not a non-negative integer`);
    this.#tag(field, 0);
    this.#varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.#tag(field, 5);
    this.#reserve(4);
    new DataView(this.#bytes.buffer).setFloat32(this.#length, value, true);
    this.#length += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, write: (inner: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    // The inner bytes as they lie, not finish()'s copy: they are copied into this writer at once,
    // and a copy per nesting level cost three extra copies of every weight (140 MB for VGG11-bn).
    return this.bytes(field, inner.#bytes.subarray(0, inner.#length));
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** The ONNX operator set every model here is written for. */
export const onnxOpset = 13;

/** An int64 initializer's values (shapes, pads, indices). */
export const int64 = (values: readonly number[]): BigInt64Array => BigInt64Array.from(values.map(BigInt));

/** onnx.proto TensorProto.DataType values used here. */
export const OnnxType = { float: 1, int64: 7 } as const;

export type AttributeValue = { readonly int: number } | { readonly ints: readonly number[] } | { readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export interface OnnxValue {
  readonly name: string;
  /** null = a symbolic dimension (the batch). */
  readonly dims: readonly (number | null)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
  // AttributeProto: name 1, f 2, i 3, floats 7, ints 8, type 20 (FLOAT 1, INT 2, INTS 7).
  w.string(1, name);
  if ('int' in value) {
    w.int(3, value.int).int(20, 2);
  } else if ('float' in value) {
    w.float(2, value.float).int(20, 1);
  } else {
    for (const v of value.ints) w.int(8, v);
    w.int(20, 7);
  }
}

function writeNode(w: ProtoWriter, node: OnnxNode, index: number): void {
  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, `${node.op}_${index}`);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, (a) => writeAttribute(a, name, value));
}

function writeInitializer(w: ProtoWriter, tensor: OnnxInitializer): void {
  // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, as every supported host).
  for (const d of tensor.dims) w.int(1, d);
  w.int(2, tensor.data instanceof Float32Array ? OnnxType.float : OnnxType.int64);
  w.string(8, tensor.name);
  w.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, value: OnnxValue): void {
  // ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2.
  w.string(1, value.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, OnnxType.float);
      tensor.message(2, (shape) => {
        for (const d of value.dims) shape.message(1, (dim) => (d === null ? dim.string(2, 'batch') : dim.int(1, d)));
      });
    }),
  );
}

/** ModelProto bytes: ir_version 1, producer_name 2, graph 7, opset_import 8. */
export function encodeModel(graph: OnnxGraph, opset: number): Uint8Array {
  const model = new ProtoWriter();
  model.int(1, 8);
  model.string(2, 'einthoven');
  model.message(7, (g) => {
    // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
    graph.nodes.forEach((node, i) => g.message(1, (n) => writeNode(n, node, i)));
    g.string(2, graph.name);
    for (const init of graph.initializers) g.message(5, (t) => writeInitializer(t, init));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  model.message(8, (o) => o.string(1, '').int(2, opset));
  return model.finish();
}
