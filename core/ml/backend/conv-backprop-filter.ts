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
 * Filter gradient of an NHWC conv2d (dilation 1) as ONE matrix product:
 * an im2col matrix of x [M, taps·cin] (one strided slice per tap, concatenated) and
 * dyᵀ [cout, M] give dWᵀ [cout, taps·cin]. Transposes are explicit because any
 * transposed matMul on wasm is ~12× slower (stack.md §1).
 */
export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: BackpropFilterAttrs): tf.Tensor4D {
  const filterShape = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    pairOf(attrs.strides),
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
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
    const [fh, fw, cin, cout] = filterShape;
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
