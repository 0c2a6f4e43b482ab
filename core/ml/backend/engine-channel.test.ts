import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendReportSchema } from '../../contract/schemas';
import { Engine } from '../../engine/engine';

describe("contract channel 'ml:backend'", () => {
  it('answers with the backend the engine chose and what it tried, through the validated contract', async () => {
    const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-ml-')), shell: 'test' });
    try {
      const result = await engine.handle('ml:backend', {});
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const report = BackendReportSchema.parse(result.value);
      expect(report.tried.at(-1)).toMatchObject({ name: report.active, ok: true });
      expect(['tensorflow', 'webgpu', 'wasm', 'cpu']).toContain(report.active);
      // Answered from the same started backend the second time.
      expect(await engine.handle('ml:backend', {})).toEqual(result);
      expect(await engine.handle('ml:backend', { force: 'cpu' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    } finally {
      await engine.close();
    }
  });
});
