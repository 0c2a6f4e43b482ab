import { describe, expect, it } from 'vitest';
import { backendNames } from '../../ml/backend/init';
import { commands } from './index';

// Seven commands' help listed 'tensorflow | wasm | cpu' while --backend took webgpu too: the lists are now made from backendNames.
describe('--backend in every command’s help', () => {
  const withBackend = commands.filter((c) => c.usage.includes('--backend'));

  it('is found in the commands that take it', () => {
    expect(withBackend.map((c) => c.name).sort()).toEqual(
      ['backend', 'ensemble', 'evaluate', 'finetune', 'hpo', 'model', 'models', 'operating-point', 'pe-fuse', 'predict', 'train'].sort(),
    );
  });

  it('lists every backend the flag accepts, on the option line', () => {
    const lacking = withBackend.flatMap((command) => {
      const line = command.usage.split('\n').find((l) => /^\s+--backend B\b/.test(l)) ?? '(no option line)';
      const missing = backendNames.filter((name) => !new RegExp(`\\b${name}\\b`).test(line));
      return missing.length > 0 ? [`ecg ${command.name} --help lacks ${missing.join(', ')}: ${line.trim()}`] : [];
    });
    expect(lacking).toEqual([]);
  });
});
