import { planResample, resamplePoly } from './core/signal/resample';
const x = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7));
const plan = planResample(5000, 1, 5);
console.log(plan.phases.length, plan.phases[0]!.length, plan.halfLen);
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (let k = 0; k < 1200; k++) resamplePoly(x, 1, 5, plan);
  console.log(((performance.now() - t0) / 100).toFixed(3), 'ms per 12 leads');
}
