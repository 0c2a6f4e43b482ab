import * as tf from '@tensorflow/tfjs';

/** The parts of the wasm backend this kernel uses (BackendWasm is not exported as a type). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * MaxPoolGrad (NHWC) for the wasm backend: for every output position, one pass over its window
 * with all channels contiguous finds each channel's first maximum (strict >, rows then columns —
 * the cpu backend's rule), then dy is added there. wasm's kernel revisits every window for every
 * input element; VGG11's five pools spent ~0.7 s per batch-32 step in it. Dilated pools go to the
 * original kernel.
 */
export function fastMaxPoolGradKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const attrs = args.attrs ?? {};
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs['filterSize'] as [number, number] | number,
      attrs['strides'] as [number, number] | number,
      1,
      attrs['pad'] as 'valid' | 'same' | number,
      attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput([...input.shape], 'float32');
    // Views after makeOutput: growing the heap detaches older views.
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const grad = backend.typedArrayFromHeap(dy) as Float32Array;
    dx.fill(0);
    scatterToMaxima(x, grad, dx, info);
    return out;
  };
  const config: tf.KernelConfig = { kernelName: original.kernelName, backendName: original.backendName, kernelFunc: kernelFunc as tf.KernelFunc };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  return config;
}

function scatterToMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  let o = 0; // flat index of dy at (b, oh, ow, 0)
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * sh - top;
      for (let ow = 0; ow < outWidth; ow++, o += c) {
        const c0 = ow * sw - left;
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let r = Math.max(0, r0); r < Math.min(inHeight, r0 + fh); r++) {
          for (let col = Math.max(0, c0); col < Math.min(inWidth, c0 + fw); col++) {
            const base = ((b * inHeight + r) * inWidth + col) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          const at = where[ch]!;
          if (at >= 0) dx[at] = dx[at]! + dy[o + ch]!;
        }
      }
    }
  }
}
