import { describe, expect, it } from 'vitest';
import { predictCommand } from './predict';
import { peItemsFrom } from './predict-fusion';

/** `ecg predict --pe-items`: one patient's score items, checked as the app's PE form checks them. */
async function refusal(args: string[]): Promise<string> {
  try {
    await predictCommand.run(args, { stdout: () => undefined, stderr: () => undefined });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('ecg predict --pe-items: a D-dimer low enough to be mg/L FEU given as ng/mL', () => {
  const asked = '--pe-items: dDimerNgMlFeu: 24 ng/mL FEU is below what most assays report (the most sensitive from 45 ng/mL FEU; a result reported as "< 45" is entered as 45); if the lab reported 24 mg/L FEU, that is 24000 ng/mL FEU: give that, or send dDimerUnitConfirmed: true if the lab reported 24 ng/mL FEU';

  it('is refused before any model is loaded, naming the mix-up, unless its unit is confirmed', async () => {
    // 24 mg/L FEU in a massive PE, given as 24: read as ng/mL it would exclude PE without imaging.
    expect(await refusal(['--model', 'no-such-model', 'record.hea', '--pe-items', '{"dDimerNgMlFeu":24,"haemoptysis":false}'])).toBe(asked);
    expect(() => peItemsFrom('{"dDimerNgMlFeu":60}')).toThrow('dDimerNgMlFeu: 60 ng/mL FEU is lower than most assays report; if the lab reported 60 mg/L FEU, that is 60000 ng/mL FEU');
    expect(peItemsFrom('{"dDimerNgMlFeu":24,"dDimerUnitConfirmed":true}')).toEqual({ dDimerNgMlFeu: 24, dDimerUnitConfirmed: true });
    expect(peItemsFrom('{"dDimerNgMlFeu":100.5}')).toEqual({ dDimerNgMlFeu: 100.5 });
  });

  it('refuses a confirmation without such a D-dimer, so one sent every time confirms nothing', () => {
    for (const items of ['{"dDimerNgMlFeu":650,"dDimerUnitConfirmed":true}', '{"haemoptysis":true,"dDimerUnitConfirmed":true}']) {
      expect(() => peItemsFrom(items), items).toThrow('--pe-items: dDimerUnitConfirmed: there is no D-dimer of 20–100 ng/mL FEU to confirm');
    }
  });
});
