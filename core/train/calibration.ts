import type { Matrix } from '../ml/metrics/index';

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Mean binary cross-entropy of sigmoid(logit / T) against the targets. */
export function temperatureNll(yTrue: Matrix, logits: Matrix, temperature: number): number {
  let sum = 0;
  let count = 0;
  logits.forEach((row, i) =>
    row.forEach((z, j) => {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z / temperature)));
      sum -= yTrue[i]?.[j] === 1 ? Math.log(p) : Math.log(1 - p);
      count++;
    }),
  );
  return sum / count;
}

/**
 * Temperature scaling (Guo et al. 2017) fitted on validation logits: the single T > 0 that
 * minimises the BCE of sigmoid(z / T), by golden-section search over log T in [1/20, 20].
 * Decisions at a threshold of 0.5 are unchanged by T; probabilities become calibrated.
 */
export function fitTemperature(yTrue: Matrix, logits: Matrix): number {
  const f = (logT: number) => temperatureNll(yTrue, logits, Math.exp(logT));
  let a = Math.log(1 / 20);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < 80; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Probabilities from logits at a temperature. */
export function probabilities(logits: Matrix, temperature = 1): number[][] {
  return logits.map((row) => row.map((z) => sigmoid(z / temperature)));
}
