import * as tf from '@tensorflow/tfjs';
import { pairOf } from './tensor-wrap';
import type { WebgpuBackendLike, WebgpuKernelArgs } from './webgpu-program';

/**
 * Conv2DBackpropFilter for the webgpu backend, channels-last, as a tiled matrix product.
 *
 * The stock shader runs one thread per filter weight and loops serially over batch × output
 * length: a ResNet stem (7 × 12 × 64 weights) gets 5,376 threads, each summing 32 × 1,024 products
 * one after another. Here each filter tap is a product dW_tap[Cin, Cout] = X_tapᵀ[Cin, M] ·
 * dY[M, Cout] over the M = batch × output positions, computed in 32 × 32 output tiles by 64
 * threads (4 × 4 each) through workgroup memory, and the reduction over M is split into chunks
 * that run in parallel (summed afterwards), so a small filter with a long reduction still fills
 * the GPU. X_tap is never materialised: each tile gathers its rows of x (with padding, stride and
 * dilation) directly.
 */

const tile = 32;
/** Reduction rows loaded into workgroup memory per iteration. */
const tileK = 32;

/** WGSL: one workgroup = one (tap, chunk) × 32 × 32 tile of [Cin, Cout]. Header (bindings, uniforms) comes from tfjs. */
function shaderBody(): string {
  return `
    var<workgroup> xTile : array<f32, ${tile * tileK}>;   // [k][ci]
    var<workgroup> dyTile : array<f32, ${tileK * tile}>;  // [k][co]
    var<workgroup> rowBase : array<i32, ${tileK}>;       // x offset of row k's (b, ih, iw, 0), -1 if padding

    fn main() {
      let cin = uniforms.xShape[3];
      let cout = uniforms.dyShape[3];
      let outH = uniforms.dyShape[1];
      let outW = uniforms.dyShape[2];
      let rows = uniforms.dyShape[0] * outH * outW;
      let z = i32(workgroupId.z);
      let tap = z / uniforms.chunks;
      let chunk = z % uniforms.chunks;
      let kh = tap / uniforms.filterW;
      let kw = tap % uniforms.filterW;
      let ci0 = i32(workgroupId.y) * ${tile};
      let co0 = i32(workgroupId.x) * ${tile};
      let tx = i32(localId.x);   // 0..7 → output columns (co)
      let ty = i32(localId.y);   // 0..7 → output rows (ci)
      let flat = ty * 8 + tx;
      let mStart = chunk * uniforms.chunkRows;
      let mEnd = min(rows, mStart + uniforms.chunkRows);

      var acc : array<f32, 16>;
      for (var i = 0; i < 16; i++) { acc[i] = 0.0; }

      // The trip count comes from uniforms only: barriers must sit in uniform control flow.
      let iterations = uniforms.chunkRows / ${tileK};
      for (var it = 0; it < iterations; it++) {
        let m0 = mStart + it * ${tileK};
        if (flat < ${tileK}) {
          let m = m0 + flat;
          var base = -1;
          if (m < mEnd) {
            let b = m / (outH * outW);
            let rest = m % (outH * outW);
            let oh = rest / outW;
            let ow = rest % outW;
            let ih = oh * uniforms.stride.x - uniforms.pad.x + kh * uniforms.dilation.x;
            let iw = ow * uniforms.stride.y - uniforms.pad.y + kw * uniforms.dilation.y;
            if (ih >= 0 && ih < uniforms.xShape[1] && iw >= 0 && iw < uniforms.xShape[2]) {
              base = ((b * uniforms.xShape[1] + ih) * uniforms.xShape[2] + iw) * cin;
            }
          }
          rowBase[flat] = base;
        }
        workgroupBarrier();
        // 64 threads load 32 × 32 values of each tile, 16 apiece, consecutive threads on consecutive channels.
        for (var i = 0; i < 16; i++) {
          let e = i * 64 + flat;
          let k = e / ${tile};
          let c = e % ${tile};
          let m = m0 + k;
          let base = rowBase[k];
          var xv = 0.0;
          if (base >= 0 && ci0 + c < cin) { xv = x[base + ci0 + c]; }
          xTile[k * ${tile} + c] = xv;
          var dv = 0.0;
          if (m < mEnd && co0 + c < cout) { dv = dy[m * cout + co0 + c]; }
          dyTile[k * ${tile} + c] = dv;
        }
        workgroupBarrier();
        for (var k = 0; k < ${tileK}; k++) {
          var xs : array<f32, 4>;
          for (var r = 0; r < 4; r++) { xs[r] = xTile[k * ${tile} + ty * 4 + r]; }
          for (var c = 0; c < 4; c++) {
            let dv = dyTile[k * ${tile} + tx * 4 + c];
            for (var r = 0; r < 4; r++) { acc[r * 4 + c] = fma(xs[r], dv, acc[r * 4 + c]); }
          }
        }
        workgroupBarrier();
      }

      let outBase = z * cin * cout;
      for (var r = 0; r < 4; r++) {
        let ci = ci0 + ty * 4 + r;
        if (ci < cin) {
          for (var c = 0; c < 4; c++) {
            let co = co0 + tx * 4 + c;
            if (co < cout) { result[outBase + ci * cout + co] = acc[r * 4 + c]; }
          }
        }
      }
    }
  `;
}

/** A program in the shape tfjs-backend-webgpu's runWebGPUProgram expects. */
class ConvBackpropFilterTiledProgram {
  readonly variableNames = ['x', 'dy'];
  readonly uniforms = 'pad : vec2<i32>, stride : vec2<i32>, dilation : vec2<i32>, filterW : i32, chunks : i32, chunkRows : i32,';
  readonly workgroupSize: [number, number, number] = [8, 8, 1];
  readonly dispatchLayout = { x: [2], y: [1], z: [0] };
  readonly dispatch: [number, number, number];
  readonly outputShape: number[];
  shaderKey = 'einthovenConvBackpropFilterTiled';
  constructor(taps: number, chunks: number, cin: number, cout: number) {
    this.outputShape = [taps * chunks, cin, cout];
    this.dispatch = [Math.ceil(cout / tile), Math.ceil(cin / tile), taps * chunks];
  }
  getUserCode(): string {
    return shaderBody();
  }
}

/**
 * Chunks of the reduction: enough workgroups to occupy a GPU (~256) without chunks so short
 * that the partial sums cost more than they save; never more than the dispatch limit allows.
 */
export function reductionChunks(rows: number, tiles: number, taps: number, maxPerDimension: number): { chunks: number; chunkRows: number } {
  const wanted = Math.ceil(256 / Math.max(1, tiles * taps));
  const byLength = Math.max(1, Math.floor(rows / 256));
  const chunks = Math.max(1, Math.min(wanted, byLength, Math.floor(maxPerDimension / taps)));
  const chunkRows = Math.ceil(rows / chunks / tileK) * tileK;
  return { chunks: Math.ceil(rows / chunkRows), chunkRows };
}

/** The kernel; falls back to `stock` for channels-first data (our models are channels-last). */
export function tiledConvBackpropFilter(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: WebgpuKernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = (args.attrs ?? {}) as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
      dilations?: [number, number] | number;
    };
    if (attrs.dataFormat === 'NCHW') return stock(args as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as WebgpuBackendLike;
    const dilations = pairOf(attrs.dilations ?? 1);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      pairOf(attrs.strides),
      dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const [fh, fw, cin, cout] = attrs.filterShape;
    const taps = fh * fw;
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const tiles = Math.ceil(cin / tile) * Math.ceil(cout / tile);
    const { chunks, chunkRows } = reductionChunks(rows, tiles, taps, backend.device.limits.maxComputeWorkgroupsPerDimension);
    const program = new ConvBackpropFilterTiledProgram(taps, chunks, cin, cout);
    const uniforms = [
      { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
      { type: 'int32', data: [info.strideHeight, info.strideWidth] },
      { type: 'int32', data: [info.dilationHeight, info.dilationWidth] },
      { type: 'int32', data: [fw] },
      { type: 'int32', data: [chunks] },
      { type: 'int32', data: [chunkRows] },
    ];
    const partial = backend.runWebGPUProgram(program, [x, dy], 'float32', uniforms);
    // Sum the chunks' partial products and take the filter's shape. The partial buffer is ours:
    // as a tensor without an extra reference, tidy frees it.
    return tf.tidy(() => {
      const parts = tf.engine().makeTensorFromTensorInfo(partial);
      const summed = chunks === 1 ? parts : tf.sum(tf.reshape(parts, [taps, chunks, cin * cout]), 1);
      return tf.reshape(summed, attrs.filterShape);
    });
  };
}
