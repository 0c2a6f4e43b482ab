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

/** The range searched for the temperature. */
export const temperatureRange = { low: 1 / 20, high: 20 } as const;

/**
 * Temperature scaling (Guo et al. 2017) fitted on validation logits: the single T > 0 that
 * minimises the BCE of sigmoid(z / T), by golden-section search over log T in
 * `temperatureRange`. Decisions at a threshold of 0.5 are unchanged by T; probabilities become
 * calibrated. `calibrationTemperature` decides whether the fitted T is applied.
 */
export function fitTemperature(yTrue: Matrix, logits: Matrix): number {
  const f = (logT: number) => temperatureNll(yTrue, logits, Math.exp(logT));
  let a = Math.log(temperatureRange.low);
  let b = Math.log(temperatureRange.high);
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

export interface TemperatureChoice {
  /** The temperature to apply (1 = none). */
  readonly temperature: number;
  /** Why the fitted temperature was not applied, or what it means, when it lies at the search's bound. */
  readonly note?: string;
}

/**
 * The temperature a package applies. When validation separates the classes perfectly, the
 * likelihood keeps rising as T falls: the fit ends at the search's lower bound and would push
 * every probability to 0 or 1 on the strength of a few rows (a 7-row PE validation split gave
 * T = 0.05 and a fused probability of 0.0 %). No finite temperature is best then, so none is
 * applied (T = 1). At the upper bound the validation logits carry no information about the
 * outcome: T is applied (probabilities flattened towards 50 % is what the data say) and the
 * note says so.
 */
export function calibrationTemperature(yTrue: Matrix, logits: Matrix): TemperatureChoice {
  const fitted = fitTemperature(yTrue, logits);
  const n = logits.length;
  if (fitted <= temperatureRange.low * 1.001 && everyLogitOnItsSide(yTrue, logits)) {
    return { temperature: 1, note: `not calibrated: the ${n} validation rows separate the classes perfectly, so no temperature is best (one would claim certainty)` };
  }
  if (fitted >= temperatureRange.high * 0.999) {
    return { temperature: fitted, note: `temperature at its upper bound (${temperatureRange.high}): on the ${n} validation rows the model's outputs carry no information about the outcome` };
  }
  return { temperature: fitted };
}

/**
 * Whether every logit lies on its label's side of 0 (positive for 1, negative for 0): then the
 * likelihood keeps rising as T falls, which is what sends the fit to its lower bound. (A fit can
 * reach that bound otherwise only with logits far smaller than their errors; it is then kept.)
 */
function everyLogitOnItsSide(yTrue: Matrix, logits: Matrix): boolean {
  return logits.every((row, i) => row.every((z, j) => (yTrue[i]?.[j] === 1 ? z > 0 : z < 0)));
}

/** Probabilities from logits at a temperature. */
export function probabilities(logits: Matrix, temperature = 1): number[][] {
  return logits.map((row) => row.map((z) => sigmoid(z / temperature)));
}
