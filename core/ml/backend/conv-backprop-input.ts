import * as tf from '@tensorflow/tfjs';
import { stridedRowInputGradient } from './conv-backprop-input-rows';
import { pairOf, wrapTensorInfo } from './tensor-wrap';

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: PadAttr;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Input gradient of an NHWC conv2d (dilation 1) rebuilt on the fast (XNNPACK) forward
 * conv: dilate dy by the stride, then a 'valid'-geometry conv2d with the spatially
 * reversed filter whose in/out channels are swapped. wasm's native kernel is a naive loop.
 * A strided conv1d skips the dilation (conv-backprop-input-rows.ts).
 */
export function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: BackpropInputAttrs): tf.Tensor4D {
  const inputShape = attrs.inputShape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    pairOf(attrs.strides),
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, bottom } = info.padInfo;
  if (info.filterHeight === 1 && info.strideHeight === 1 && top === 0 && bottom === 0 && info.strideWidth > 1) {
    return stridedRowInputGradient(dy, filter, info);
  }
  return tf.tidy((): tf.Tensor4D => {
    const [fh, fw] = [info.filterHeight, info.filterWidth];
    const dilated = dilate(dy, info.strideHeight, info.strideWidth);
    const [padTop, padBottom] = transposedPads(fh, info.padInfo.top, inputShape[1], dilated.shape[1]);
    const [padLeft, padRight] = transposedPads(fw, info.padInfo.left, inputShape[2], dilated.shape[2]);
    const trimmed = cropNegative(dilated, padTop, padBottom, padLeft, padRight);
    const flipped = flipFilter(filter);
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [Math.max(0, padTop), Math.max(0, padBottom)],
      [Math.max(0, padLeft), Math.max(0, padRight)],
      [0, 0],
    ];
    return tf.conv2d(trimmed, flipped as tf.Tensor4D, 1, explicit, 'NHWC') as tf.Tensor4D;
  });
}

/**
 * The filter rotated by 180° over its taps, in/out channels swapped: [fh, fw, cout, cin].
 * Reversing both tap axes is reversing the flattened tap index: one single-axis Reverse.
 */
function flipFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [fh, fw, cin, cout] = filter.shape;
  const reversed = tf.reverse(tf.reshape(filter, [fh * fw, cin * cout]), 0);
  return tf.transpose(tf.reshape(reversed, [fh, fw, cin, cout]), [0, 1, 3, 2]);
}

/** Pads before/after so that a stride-1 'valid' correlation of the dilated dy yields `inputLength` values. */
function transposedPads(filterSize: number, padBefore: number, inputLength: number, dilatedLength: number): [number, number] {
  const before = filterSize - 1 - padBefore;
  const after = inputLength + filterSize - 1 - dilatedLength - before;
  return [before, after];
}

/** A negative pad means the forward conv skipped trailing/leading samples: drop them from dy. */
function cropNegative(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return t;
  const [n, h, w, c] = t.shape;
  const y0 = Math.max(0, -top);
  const x0 = Math.max(0, -left);
  const hh = h - y0 - Math.max(0, -bottom);
  const ww = w - x0 - Math.max(0, -right);
  return tf.slice(t, [0, y0, x0, 0], [n, hh, ww, c]);
}

/** Inserts (stride − 1) zeros between neighbouring values along height and width. */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  let out = dy;
  if (sw > 1) out = dilateAxis(out, 2, sw);
  if (sh > 1) out = dilateAxis(out, 1, sh);
  return out;
}

function dilateAxis(t: tf.Tensor4D, axis: 1 | 2, stride: number): tf.Tensor4D {
  const zeros = tf.zerosLike(t);
  const parts = [t, ...Array.from({ length: stride - 1 }, () => zeros)];
  const stacked = tf.stack(parts, axis + 1); // [..., len, stride, ...]
  const shape = [...t.shape] as [number, number, number, number];
  shape[axis] = t.shape[axis] * stride;
  const merged = tf.reshape(stacked, shape);
  const size = [...shape] as [number, number, number, number];
  size[axis] = (t.shape[axis] - 1) * stride + 1;
  return tf.slice(merged, [0, 0, 0, 0], size) as tf.Tensor4D;
}

/** KernelConfig body: adapts TensorInfos to tensors and back. */
export function conv2dBackpropInputKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const dy = wrapTensorInfo(args.inputs['dy']!) as tf.Tensor4D;
  const filter = wrapTensorInfo(args.inputs['filter']!) as tf.Tensor4D;
  try {
    return conv2dBackpropInput(dy, filter, args.attrs as unknown as BackpropInputAttrs);
  } finally {
    dy.dispose();
    filter.dispose();
  }
}
