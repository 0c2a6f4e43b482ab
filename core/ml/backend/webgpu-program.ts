import * as tf from '@tensorflow/tfjs';

/**
 * What our WGSL kernels need of tfjs-backend-webgpu (its classes are not exported as types): a
 * program object in the shape runWebGPUProgram expects, and the backend's members we call.
 */
export interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms: { type: string; data: number[] }[]): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  device: { limits: { maxComputeWorkgroupsPerDimension: number } };
}

/** The arguments tfjs passes a kernel function. */
export type WebgpuKernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

export const int32 = (value: number) => ({ type: 'int32', data: [value] });
export const float32 = (value: number) => ({ type: 'float32', data: [value] });

/**
 * An element-wise program: `body` runs once per output value with `index` its flat position
 * (tfjs calls main(index) for a flat dispatch layout and folds a dispatch past the per-dimension
 * limit into y and z). The class name labels GPU timings in profiles.
 */
export class ElementwiseProgram {
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly uniforms: string,
    readonly outputShape: number[],
    private readonly body: string,
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(outputShape) / 128), 1, 1];
  }
  getUserCode(): string {
    return `fn main(index : i32) { if (index < uniforms.size) { ${this.body} } }`;
  }
}
