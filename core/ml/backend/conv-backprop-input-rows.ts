import * as tf from '@tensorflow/tfjs';

/**
 * Input gradient of a strided conv1d (filter height 1, no vertical stride or padding) by
 * polyphase decomposition instead of dilating dy with zeros: with q = p + padBefore, the
 * position p only receives filter taps j ≡ q (mod s), so for each residue ρ the gradient is a
 * stride-1 correlation of dy with the reversed sub-filter w[ρ], w[ρ+s], …, channels swapped.
 * The residues are interleaved back by one stack + reshape. Same FLOPs as the forward conv —
 * the dilated form multiplies (s − 1)/s of its inputs by zero.
 */
export function stridedRowInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    const { batchSize, inHeight, inWidth, inChannels: cin, outWidth, outChannels: cout, filterWidth: k, strideWidth: s } = info;
    const before = info.padInfo.left;
    const rows = batchSize * inHeight;
    const signal = tf.reshape(dy, [rows, 1, outWidth, cout]) as tf.Tensor4D;
    const taps = tf.reshape(filter, [k, cin, cout]);
    // Phase positions u = ⌊q/s⌋ that the input range [0, W) needs.
    const span = Math.floor((inWidth - 1 + before) / s) + 1;
    const phases: tf.Tensor[] = [];
    for (let rho = 0; rho < s; rho++) {
      const indices = Array.from({ length: Math.ceil((k - rho) / s) }, (_, m) => rho + m * s).filter((j) => j < k);
      if (indices.length === 0) {
        phases.push(tf.zeros([rows, span, cin]));
        continue;
      }
      // Correlation order: the last sub-tap first; [M, cout, cin] after swapping channels.
      const subTaps = tf.concat(indices.reverse().map((j) => tf.slice(taps, [j, 0, 0], [1, cin, cout])), 0);
      const kernel = tf.reshape(tf.transpose(subTaps, [0, 2, 1]), [1, indices.length, cout, cin]) as tf.Tensor4D;
      const explicit: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [0, 0],
        [indices.length - 1, Math.max(0, span - outWidth)],
        [0, 0],
      ];
      const phase = tf.reshape(tf.conv2d(signal, kernel, 1, explicit, 'NHWC'), [rows, -1, cin]);
      phases.push(phase.shape[1] === span ? phase : tf.slice(phase, [0, 0, 0], [rows, span, cin]));
    }
    const interleaved = tf.reshape(tf.stack(phases, 2), [rows, span * s, cin]); // index q = u·s + ρ
    return tf.reshape(tf.slice(interleaved, [0, before, 0], [rows, inWidth, cin]), [batchSize, inHeight, inWidth, cin]) as tf.Tensor4D;
  });
}
