import * as tf from '@tensorflow/tfjs';

/**
 * −log σ(z) = softplus(−z), computed without overflow. Written as softplus, not as
 * log(1 + e^(−|z|)) + max(−z, 0): the subgradients of |z| and max at exactly z = 0 made that
 * form's gradient +½ instead of −½ there (a zero-initialised head's first step).
 */
function negLogSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.neg(z));
}

/** Element-wise BCEWithLogits: max(z, 0) − z·t + log(1 + e^(−|z|)). */
function bceWithLogitsElements(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
}

/**
 * torchvision.ops.sigmoid_focal_loss with reduction 'mean' over batch × classes (paper-spec §5):
 * p_t = p·t + (1 − p)(1 − t), α_t = α·t + (1 − α)(1 − t), L = mean(α_t · (1 − p_t)^γ · CE).
 */
export function sigmoidFocalLoss(
  targets: tf.Tensor,
  logits: tf.Tensor,
  options: { alpha?: number; gamma?: number } = {},
): tf.Scalar {
  const alpha = options.alpha ?? 0.7;
  const gamma = options.gamma ?? 2;
  return tf.tidy(() => {
    const t = tf.cast(targets, 'float32');
    const p = tf.sigmoid(logits);
    const ce = bceWithLogitsElements(logits, t);
    const pT = tf.add(tf.mul(p, t), tf.mul(tf.sub(1, p), tf.sub(1, t)));
    let loss = tf.mul(ce, tf.pow(tf.sub(1, pT), gamma));
    if (alpha >= 0) loss = tf.mul(loss, tf.add(tf.mul(t, alpha), tf.mul(tf.sub(1, t), 1 - alpha)));
    return tf.mean(loss) as tf.Scalar;
  });
}

/**
 * torch BCEWithLogitsLoss(pos_weight) with reduction 'mean':
 * L = mean(−[w_c · t · log σ(z) + (1 − t) · log(1 − σ(z))]); posWeight has one entry per class.
 */
export function bceWithLogitsLoss(targets: tf.Tensor, logits: tf.Tensor, posWeight?: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const t = tf.cast(targets, 'float32');
    if (!posWeight) return tf.mean(bceWithLogitsElements(logits, t)) as tf.Scalar;
    const w = tf.tensor1d([...posWeight]);
    const positive = tf.mul(tf.mul(w, t), negLogSigmoid(logits));
    const negative = tf.mul(tf.sub(1, t), negLogSigmoid(tf.neg(logits)));
    return tf.mean(tf.add(positive, negative)) as tf.Scalar;
  });
}

export const lossNames = ['focal', 'bce'] as const;
export type LossName = (typeof lossNames)[number];

/** A (yTrue, yPred-logits) → scalar function for model.compile. */
export function makeLoss(
  name: LossName,
  options: { alpha?: number; gamma?: number; posWeight?: readonly number[] } = {},
): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  if (name === 'focal') return (yTrue, yPred) => sigmoidFocalLoss(yTrue, yPred, options);
  return (yTrue, yPred) => bceWithLogitsLoss(yTrue, yPred, options.posWeight);
}
