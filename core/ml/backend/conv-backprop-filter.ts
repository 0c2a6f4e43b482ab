import * as tf from '@tensorflow/tfjs';
import { pairOf, wrapTensorInfo } from './tensor-wrap';

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: PadAttr;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Filter gradient of an NHWC conv2d (dilation 1). Every conv1d (filter height 1, no vertical
 * stride or padding) takes the row path below; true 2-D filters take the generic im2col path.
 */
export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: BackpropFilterAttrs): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    attrs.filterShape,
    pairOf(attrs.strides),
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, bottom } = info.padInfo;
  const rowWise = info.filterHeight === 1 && info.strideHeight === 1 && top === 0 && bottom === 0;
  return rowWise ? rowFilterGradient(x, dy, info) : im2colFilterGradient(x, dy, info);
}

/**
 * conv1d filter gradient as one matrix product with no transposed operand (any transposed
 * matMul is ~12× slower on wasm, stack.md §1): x (padded, rows folded into the batch) is
 * reshaped to [B, W/s, s, C] and transposed ONCE to [s, C, B, W/s], so that the input values
 * filter tap j multiplies are a contiguous slice [C, B·outW] for any stride s (phase j mod s,
 * offset ⌊j/s⌋). Stacking the taps gives im2colᵀ [k·C, M]; im2colᵀ · dy[M, cout] is dW.
 * wasm's StridedSlice and Reverse are naive loops, so neither is used.
 */
function rowFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    const { batchSize, inHeight, inWidth, inChannels: c, outWidth, outChannels, filterWidth: k, strideWidth: s } = info;
    const rows = batchSize * inHeight;
    const before = info.padInfo.left;
    const needed = (outWidth - 1) * s + k; // padded samples the taps reach
    const padded = Math.ceil(Math.max(needed, inWidth + before) / s) * s;
    let signal: tf.Tensor = tf.reshape(x, [rows, inWidth, c]);
    const after = padded - inWidth - before;
    if (before > 0 || after > 0) {
      signal = tf.pad(signal, [
        [0, 0],
        [before, after],
        [0, 0],
      ]);
    }
    const phases = tf.transpose(tf.reshape(signal, [rows, padded / s, s, c]), [2, 3, 0, 1]); // [s, C, rows, W/s]
    const m = rows * outWidth;
    const taps: tf.Tensor[] = [];
    for (let j = 0; j < k; j++) {
      const tap = tf.slice(phases, [j % s, 0, 0, Math.floor(j / s)], [1, c, rows, outWidth]);
      taps.push(tf.reshape(tap, [c, m]));
    }
    const im2colT = taps.length === 1 ? taps[0]! : tf.concat(taps, 0); // [k·C, M]
    const grad = tf.matMul(im2colT, tf.reshape(dy, [m, outChannels])); // [k·C, cout]
    return tf.reshape(grad, [1, k, c, outChannels]);
  });
}

/**
 * Generic 2-D filter gradient: an im2col matrix of x [M, taps·cin] (one strided slice per tap,
 * concatenated) and dyᵀ [cout, M] (explicit transpose) give dWᵀ [cout, taps·cin].
 */
function im2colFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    const { top, bottom, left, right } = info.padInfo;
    const padded =
      top || bottom || left || right
        ? tf.pad(x, [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ])
        : x;
    const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout } = info;
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) taps.push(tapSlice(padded, i, j, info));
    }
    const columns = taps.length === 1 ? taps[0]! : tf.concat(taps, 3);
    const im2col = tf.reshape(columns, [rows, fh * fw * cin]);
    const dyT = tf.transpose(tf.reshape(dy, [rows, cout]));
    const gradT = tf.matMul(dyT, im2col); // [cout, taps·cin]
    return tf.reshape(tf.transpose(gradT), [fh, fw, cin, cout]) as tf.Tensor4D;
  });
}

/** The input values that filter tap (i, j) multiplies, for every output position. */
function tapSlice(padded: tf.Tensor4D, i: number, j: number, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const size: [number, number, number, number] = [info.batchSize, oh, ow, info.inChannels];
  if (sh === 1 && sw === 1) return tf.slice(padded, [0, i, j, 0], size);
  return tf.stridedSlice(
    padded,
    [0, i, j, 0],
    [info.batchSize, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, info.inChannels],
    [1, sh, sw, 1],
  ) as tf.Tensor4D;
}

/** KernelConfig body: adapts TensorInfos to tensors and back. */
export function conv2dBackpropFilterKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = wrapTensorInfo(args.inputs['x']!) as tf.Tensor4D;
  const dy = wrapTensorInfo(args.inputs['dy']!) as tf.Tensor4D;
  try {
    return conv2dBackpropFilter(x, dy, args.attrs as unknown as BackpropFilterAttrs);
  } finally {
    x.dispose();
    dy.dispose();
  }
}
