import { initBackend } from '../../core/ml/backend/init';
import { architectureNames, architectureParity, parityInputs, type ParityResult } from '../../core/ml/backend/parity';
import type { ArchitectureName } from '../../core/ml/models/registry';
import type { BenchArea } from './main';

/** The largest relative gradient difference the issue asks for (webgpu vs cpu, every architecture). */
const goal = 1e-3;
const option = (args: readonly string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

export const area: BenchArea = {
  name: 'parity',
  summary: 'per architecture, the largest relative gradient difference of one training step, webgpu vs cpu',
  async bench({ args, log }) {
    const names = (option(args, 'models') ?? architectureNames.join(',')).split(',');
    const unknown = names.filter((n) => !(architectureNames as readonly string[]).includes(n));
    if (unknown.length > 0) throw new Error(`unknown architecture(s): ${unknown.join(', ')}`);
    const batchOption = option(args, 'batch');
    const report = await initBackend({ force: 'webgpu' });
    log(`webgpu on ${report.adapter?.description ?? '?'} (${report.adapter?.hardware ? 'hardware' : 'software'}) vs cpu; inputs ${JSON.stringify(parityInputs)}`);
    const models: Record<string, Omit<ParityResult, 'name'>> = {};
    for (const name of names as ArchitectureName[]) {
      const { name: _name, ...result } = await architectureParity(name, { reference: 'cpu', target: 'webgpu', ...(batchOption ? { batch: Number(batchOption) } : {}) });
      models[name] = result;
      log(
        `${name.padEnd(15)} b${result.batch} L${String(result.length).padEnd(4)} max gradient rel. diff ${result.maxGradRel.toExponential(2)} (${result.worstVariable}), ` +
          `logits ${result.forwardRel.toExponential(2)}, loss ${result.lossRel.toExponential(2)}; cpu ${result.referenceMs} ms, webgpu ${result.targetMs} ms`,
      );
    }
    const worst = Math.max(...Object.values(models).map((m) => m.maxGradRel));
    return {
      reference: 'cpu',
      target: 'webgpu',
      adapter: report.adapter ?? null,
      goal,
      withinGoal: worst <= goal,
      worstMaxGradRel: worst,
      models,
    };
  },
};
