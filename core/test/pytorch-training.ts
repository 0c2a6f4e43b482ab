/**
 * The `training` block a PyTorch result's config.json carries, as the project's training script
 * writes it, for tests that hand-make a result to import (`ecg model import-pytorch`): no
 * calibration, fixed thresholds, `rows` validation rows and no test rows.
 */
export function handMadePytorchTraining(rows: number) {
  return {
    config: { calibrate: false, thresholds: 'fixed' },
    dataset: { name: 'unit', sha256: 'c'.repeat(64), records: { train: 1, val: rows, test: 0 }, split: 'unit' },
    epochs: { run: 1, best: 1, planned: 1 },
    seed: 1,
    backend: 'pytorch (test)',
    secondsPerEpoch: 0,
    selection: 'none',
  };
}
