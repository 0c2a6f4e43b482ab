import * as tf from '@tensorflow/tfjs';
import { batchNormKernels } from '../models/layers/batch-norm-kernels';
import { ElementwiseProgram, float32, int32, type WebgpuBackendLike, type WebgpuKernelArgs } from './webgpu-program';

/**
 * Training-mode batch norm on the webgpu backend in ten dispatches per layer and step (five
 * forward, five backward) where the op-by-op closed form (layers/batch-norm.ts) takes ~32: on a
 * real GPU a step is bound by dispatches, not arithmetic (the H200 GPU check: ~95 µs of host time
 * per kernel call against 66 ms of GPU work in a ~300 ms ResNet18 step; docs/benchmarks.md). The
 * per-channel reductions also replace the average-pool means, 14 ms of that step's GPU time.
 *
 * Layout: x is channels-last, read as [rows, C]. Statistics are packed [2, C] (mean, biased
 * variance), gradient sums [2, C] (Σdy, Σdy·(x − μ)). Reductions run in two dispatches: partial
 * results per chunk of rows (64 channels × 4 row lanes per workgroup, coalesced along channels),
 * then a merge per channel. Means and variances use Welford's update and Chan's merge, so a large
 * mean does not cancel the variance in float32.
 */

const channelTile = 64;
const rowLanes = 4;

/** Chunks of rows: enough workgroups to occupy a GPU (~512) without chunks shorter than 64 rows. */
export function rowChunks(rows: number, channels: number, maxPerDimension: number): { chunks: number; chunkRows: number } {
  const tiles = Math.ceil(channels / channelTile);
  const wanted = Math.max(1, Math.min(Math.ceil(512 / tiles), Math.ceil(rows / 64), maxPerDimension));
  const chunkRows = Math.ceil(rows / wanted);
  return { chunks: Math.ceil(rows / chunkRows), chunkRows };
}

/** Merging (n, mean, M2) triples of the same channel (Chan et al. 1979). */
const chanMerge = `
  fn chanMerge(a : vec3<f32>, b : vec3<f32>) -> vec3<f32> {
    let n = a.x + b.x;
    if (n == 0.0) { return a; }
    let delta = b.y - a.y;
    return vec3<f32>(n, a.y + delta * b.x / n, a.z + b.z + delta * delta * a.x * b.x / n);
  }
`;

/** A reduction program over a grid of (channel tile, row chunk) workgroups; its class name labels GPU timings. */
class BatchNormProgram {
  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly uniforms: string,
    readonly outputShape: number[],
    readonly dispatchLayout: { x: number[]; y?: number[] },
    readonly dispatch: [number, number, number],
    readonly workgroupSize: [number, number, number],
    private readonly userCode: string,
  ) {}
  getUserCode(): string {
    return this.userCode;
  }
}

/** A grid program: its own main() (a dispatch layout with y makes tfjs call main() without an index). */
function gridProgram(key: string, variableNames: string[], uniforms: string, outputShape: number[], dispatch: [number, number, number], body: string, workgroupSize: [number, number, number]): BatchNormProgram {
  return new BatchNormProgram(key, variableNames, uniforms, outputShape, { x: [1], y: [0] }, dispatch, workgroupSize, body);
}

/** Per chunk of rows and channel: Welford's (n, mean, M2) of x, as [chunks, 3, C]. */
function partialStats(chunks: number, channels: number): BatchNormProgram {
  const body = `
    ${chanMerge}
    var<workgroup> lanes : array<vec3<f32>, ${channelTile * rowLanes}>;
    fn main() {
      let c = i32(workgroupId.x) * ${channelTile} + i32(localId.x);
      let lane = i32(localId.y);
      let chunk = i32(workgroupId.y);
      let first = chunk * uniforms.chunkRows;
      let last = min(uniforms.rows, first + uniforms.chunkRows);
      var acc = vec3<f32>(0.0, 0.0, 0.0);
      if (c < uniforms.channels) {
        for (var r = first + lane; r < last; r += ${rowLanes}) {
          let v = xs[r * uniforms.channels + c];
          acc.x += 1.0;
          let d = v - acc.y;
          acc.y += d / acc.x;
          acc.z += d * (v - acc.y);
        }
      }
      lanes[lane * ${channelTile} + i32(localId.x)] = acc;
      workgroupBarrier();
      if (lane == 0 && c < uniforms.channels) {
        for (var k = 1; k < ${rowLanes}; k++) { acc = chanMerge(acc, lanes[k * ${channelTile} + i32(localId.x)]); }
        let base = chunk * 3 * uniforms.channels + c;
        result[base] = acc.x;
        result[base + uniforms.channels] = acc.y;
        result[base + 2 * uniforms.channels] = acc.z;
      }
    }`;
  return gridProgram('einthovenBnPartialStats', ['xs'], 'rows : i32, channels : i32, chunkRows : i32,', [chunks, 3, channels], [Math.ceil(channels / channelTile), chunks, 1], body, [channelTile, rowLanes, 1]);
}

/** Merges the chunks: [2, C] of mean and biased variance. */
function mergeStats(channels: number): BatchNormProgram {
  const body = `
    ${chanMerge}
    fn main() {
      let c = i32(globalId.x);
      if (c >= uniforms.channels) { return; }
      var acc = vec3<f32>(0.0, 0.0, 0.0);
      for (var k = 0; k < uniforms.chunks; k++) {
        let base = k * 3 * uniforms.channels + c;
        acc = chanMerge(acc, vec3<f32>(partials[base], partials[base + uniforms.channels], partials[base + 2 * uniforms.channels]));
      }
      result[c] = acc.y;
      result[uniforms.channels + c] = acc.z / max(acc.x, 1.0);
    }`;
  return gridProgram('einthovenBnMergeStats', ['partials'], 'channels : i32, chunks : i32,', [2, channels], [Math.ceil(channels / channelTile), 1, 1], body, [channelTile, 1, 1]);
}

/** Per chunk of rows and channel: Σdy and Σdy·(x − μ), as [chunks, 2, C]. */
function partialGradSums(chunks: number, channels: number): BatchNormProgram {
  const body = `
    var<workgroup> lanes : array<vec2<f32>, ${channelTile * rowLanes}>;
    fn main() {
      let c = i32(workgroupId.x) * ${channelTile} + i32(localId.x);
      let lane = i32(localId.y);
      let chunk = i32(workgroupId.y);
      let first = chunk * uniforms.chunkRows;
      let last = min(uniforms.rows, first + uniforms.chunkRows);
      var acc = vec2<f32>(0.0, 0.0);
      if (c < uniforms.channels) {
        let mean = stats[c];
        for (var r = first + lane; r < last; r += ${rowLanes}) {
          let i = r * uniforms.channels + c;
          let g = dys[i];
          acc += vec2<f32>(g, g * (xs[i] - mean));
        }
      }
      lanes[lane * ${channelTile} + i32(localId.x)] = acc;
      workgroupBarrier();
      if (lane == 0 && c < uniforms.channels) {
        for (var k = 1; k < ${rowLanes}; k++) { acc += lanes[k * ${channelTile} + i32(localId.x)]; }
        let base = chunk * 2 * uniforms.channels + c;
        result[base] = acc.x;
        result[base + uniforms.channels] = acc.y;
      }
    }`;
  return gridProgram('einthovenBnPartialGradSums', ['dys', 'xs', 'stats'], 'rows : i32, channels : i32, chunkRows : i32,', [chunks, 2, channels], [Math.ceil(channels / channelTile), chunks, 1], body, [channelTile, rowLanes, 1]);
}

/** Sums the chunks: [2, C]. */
function mergeGradSums(channels: number): BatchNormProgram {
  const body = `
    fn main() {
      let c = i32(globalId.x);
      if (c >= uniforms.channels) { return; }
      var acc = vec2<f32>(0.0, 0.0);
      for (var k = 0; k < uniforms.chunks; k++) {
        let base = k * 2 * uniforms.channels + c;
        acc += vec2<f32>(partials[base], partials[base + uniforms.channels]);
      }
      result[c] = acc.x;
      result[uniforms.channels + c] = acc.y;
    }`;
  return gridProgram('einthovenBnMergeGradSums', ['partials'], 'channels : i32, chunks : i32,', [2, channels], [Math.ceil(channels / channelTile), 1, 1], body, [channelTile, 1, 1]);
}

const channelsOf = (t: tf.TensorInfo) => t.shape[t.shape.length - 1]!;

/** Partial results per chunk, then their merge; the partials are freed here. */
function twoPassReduction(gpu: WebgpuBackendLike, inputs: tf.TensorInfo[], x: tf.TensorInfo, partial: (chunks: number, c: number) => BatchNormProgram, merge: (c: number) => BatchNormProgram): tf.TensorInfo {
  const channels = channelsOf(x);
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const { chunks, chunkRows } = rowChunks(rows, channels, gpu.device.limits.maxComputeWorkgroupsPerDimension);
  const partials = gpu.runWebGPUProgram(partial(chunks, channels), inputs, 'float32', [int32(rows), int32(channels), int32(chunkRows)]);
  try {
    return gpu.runWebGPUProgram(merge(channels), [partials], 'float32', [int32(channels), int32(chunks)]);
  } finally {
    gpu.disposeData(partials.dataId);
  }
}

function statsKernel({ inputs, backend }: WebgpuKernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  return twoPassReduction(backend as WebgpuBackendLike, [x], x, partialStats, mergeStats);
}

function gradSumsKernel({ inputs, backend }: WebgpuKernelArgs): tf.TensorInfo {
  const { dy, x, stats } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; stats: tf.TensorInfo };
  return twoPassReduction(backend as WebgpuBackendLike, [dy, x, stats], x, partialGradSums, mergeGradSums);
}

/** y = (x − μ)·γ/√(σ² + ε) + β. */
function applyKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo {
  const { x, stats, gamma, beta } = inputs as { x: tf.TensorInfo; stats: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const body = `
    let c = index % uniforms.channels;
    let scale = gammas[c] * inverseSqrt(stats[uniforms.channels + c] + uniforms.epsilon);
    setOutputAtIndex(index, (xs[index] - stats[c]) * scale + betas[c]);`;
  const program = new ElementwiseProgram('einthovenBnApply', ['xs', 'stats', 'gammas', 'betas'], 'channels : i32, epsilon : f32,', [...x.shape], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [x, stats, gamma, beta], 'float32', [int32(channelsOf(x)), float32(Number(attrs?.['epsilon']))]);
}

/** dx = a·dy − a·r·dγ/N·(x − μ) − a·dβ/N with r = 1/√(σ² + ε), a = γr, dγ = r·Σdy·(x − μ), dβ = Σdy. */
function dxKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo {
  const { dy, x, stats, sums, gamma } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; stats: tf.TensorInfo; sums: tf.TensorInfo; gamma: tf.TensorInfo };
  const body = `
    let c = index % uniforms.channels;
    let r = inverseSqrt(stats[uniforms.channels + c] + uniforms.epsilon);
    let a = gammas[c] * r;
    let dGamma = r * sums[uniforms.channels + c];
    setOutputAtIndex(index, a * dys[index] - a * r * dGamma / uniforms.count * (xs[index] - stats[c]) - a * sums[c] / uniforms.count);`;
  const program = new ElementwiseProgram('einthovenBnDx', ['dys', 'xs', 'stats', 'sums', 'gammas'], 'channels : i32, epsilon : f32, count : f32,', [...x.shape], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [dy, x, stats, sums, gamma], 'float32', [int32(channelsOf(x)), float32(Number(attrs?.['epsilon'])), float32(Number(attrs?.['count']))]);
}

/** [dγ, dβ] = [r·Σdy·(x − μ), Σdy]. */
function paramGradsKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo[] {
  const { stats, sums } = inputs as { stats: tf.TensorInfo; sums: tf.TensorInfo };
  const channels = channelsOf(stats);
  const gpu = backend as WebgpuBackendLike;
  // Every input must appear in its shader: Dawn drops unused bindings from the derived layout.
  const dGamma = new ElementwiseProgram('einthovenBnDGamma', ['stats', 'sums'], 'channels : i32, epsilon : f32,', [channels], 'setOutputAtIndex(index, inverseSqrt(stats[uniforms.channels + index] + uniforms.epsilon) * sums[uniforms.channels + index]);');
  const dBeta = new ElementwiseProgram('einthovenBnDBeta', ['sums'], 'channels : i32,', [channels], 'setOutputAtIndex(index, sums[index]);');
  return [
    gpu.runWebGPUProgram(dGamma, [stats, sums], 'float32', [int32(channels), float32(Number(attrs?.['epsilon']))]),
    gpu.runWebGPUProgram(dBeta, [sums], 'float32', [int32(channels)]),
  ];
}

/** moving·(1 − momentum) + momentum·factor·stat, stat = the mean (row 0) or variance (row 1). */
function runningKernel({ inputs, backend, attrs }: WebgpuKernelArgs): tf.TensorInfo {
  const { moving, stats } = inputs as { moving: tf.TensorInfo; stats: tf.TensorInfo };
  const row = Number(attrs?.['row']);
  const body = `setOutputAtIndex(index, moving[index] * (1.0 - uniforms.momentum) + stats[${row} * uniforms.channels + index] * uniforms.momentum * uniforms.factor);`;
  const program = new ElementwiseProgram(`einthovenBnRunning${row}`, ['moving', 'stats'], 'channels : i32, momentum : f32, factor : f32,', [...moving.shape], body);
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, [moving, stats], 'float32', [int32(channelsOf(stats)), float32(Number(attrs?.['momentum'])), float32(Number(attrs?.['factor']))]);
}

/** The kernels this module adds to webgpu (registered by webgpu-kernels.ts). */
export const webgpuBatchNormKernels: tf.KernelConfig[] = (
  [
    [batchNormKernels.stats, statsKernel],
    [batchNormKernels.apply, applyKernel],
    [batchNormKernels.running, runningKernel],
    [batchNormKernels.gradSums, gradSumsKernel],
    [batchNormKernels.dx, dxKernel],
    [batchNormKernels.paramGrads, paramGradsKernel],
  ] as const
).map(([kernelName, kernelFunc]) => ({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc }));
