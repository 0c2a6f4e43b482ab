import * as tf from '@tensorflow/tfjs';

/** What a custom-gradient body returns: the value and dy → one gradient per input. */
export interface CustomGradResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/**
 * tf.customGrad for a function of three tensors, typed. tfjs types the body as a variadic
 * (Tensor | GradSaveFunc)[] function; this keeps the casts in one place.
 */
export function customGrad3(
  body: (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, save: tf.GradSaveFunc) => CustomGradResult,
): (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor {
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, c, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    return body(a, b, c, save);
  });
  return (a, b, c) => run(a, b, c);
}

/** tf.customGrad for a function of any number of tensors (the body gets them as an array). */
export function customGradN(
  body: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomGradResult,
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return body(args.slice(0, -1) as tf.Tensor[], save);
  });
  return (...inputs) => run(...inputs);
}
