import * as tf from '@tensorflow/tfjs';

/**
 * Time per kernel on the webgpu backend. tf.profile reports GPU kernel times only where the
 * adapter offers timestamp queries (software adapters and Dawn's OpenGL ES backend do not: it
 * then says 0 for everything), so this records every kernel call of one step — name, input
 * shapes and dtypes, attributes — and replays each distinct call on fresh inputs of the same
 * shapes, timing `repeats` calls up to the completion of the last one (the GPU queue runs in
 * order). A kernel built from other kernels (ours call tf ops) counts them inside its own time
 * and they appear on their own as well.
 */

interface RecordedCall {
  name: string;
  inputs: { key: string; shape: number[]; dtype: tf.DataType }[];
  attrs: tf.NamedAttrMap;
  calls: number;
}

export interface KernelTime {
  name: string;
  calls: number;
  /** Replayed time of all calls of this kernel in one step. */
  ms: number;
  /** The same calls on tfjs's stock kernel, for kernels we replaced. */
  stockMs?: number;
}

function signature(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined): string {
  const shapes = Object.entries(inputs).map(([k, t]) => `${k}:${t ? `${t.dtype}[${t.shape.join(',')}]` : '-'}`);
  return `${name}|${shapes.join(';')}|${JSON.stringify(attrs ?? {})}`;
}

/** Runs `step` once with every webgpu kernel wrapped to record its calls. */
async function recordCalls(step: () => Promise<void>): Promise<Map<string, RecordedCall>> {
  const recorded = new Map<string, RecordedCall>();
  const originals = tf.getKernelsForBackend('webgpu');
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, 'webgpu');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const key = signature(config.kernelName, args.inputs, args.attrs);
        const entry = recorded.get(key);
        if (entry) entry.calls++;
        else {
          const inputs = Object.entries(args.inputs)
            .filter(([, t]) => t !== undefined)
            .map(([k, t]) => ({ key: k, shape: [...t!.shape], dtype: t!.dtype }));
          recorded.set(key, { name: config.kernelName, inputs, attrs: { ...(args.attrs ?? {}) }, calls: 1 });
        }
        return config.kernelFunc(args);
      },
    });
  }
  try {
    await step();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, 'webgpu');
      tf.registerKernel(config);
    }
  }
  return recorded;
}

/** Mean ms of one call of a recorded kernel on fresh inputs; undefined when it cannot be replayed. */
async function replay(call: RecordedCall, repeats: number): Promise<number | undefined> {
  const inputs = Object.fromEntries(call.inputs.map((i) => [i.key, i.dtype === 'float32' ? tf.randomNormal(i.shape, 0, 1, 'float32', 1) : tf.zeros(i.shape, i.dtype)]));
  const run = async (n: number) => {
    let last: tf.Tensor | tf.Tensor[] | undefined;
    for (let i = 0; i < n; i++) {
      if (last) tf.dispose(last);
      last = tf.engine().runKernel(call.name, inputs, call.attrs) as tf.Tensor | tf.Tensor[];
    }
    const out = Array.isArray(last) ? last[0] : last;
    if (out) await out.data();
    if (last) tf.dispose(last);
  };
  try {
    await run(1); // compiles the shader
    const t0 = performance.now();
    await run(repeats);
    return (performance.now() - t0) / repeats;
  } catch {
    return undefined;
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/** Replays with `kernelFunc` registered in place of the current kernel. */
async function replayWith(call: RecordedCall, kernelFunc: tf.KernelFunc, repeats: number): Promise<number | undefined> {
  const current = tf.getKernel(call.name, 'webgpu')!;
  tf.unregisterKernel(call.name, 'webgpu');
  tf.registerKernel({ ...current, kernelFunc });
  try {
    return await replay(call, repeats);
  } finally {
    tf.unregisterKernel(call.name, 'webgpu');
    tf.registerKernel(current);
  }
}

/** Kernel times of one call of `step`, heaviest first; `stockOf` names the stock kernel of ones we replaced. */
export async function profileWebgpuStep(step: () => Promise<void>, stockOf: (name: string) => tf.KernelFunc | undefined, repeats = 3): Promise<KernelTime[]> {
  const recorded = await recordCalls(step);
  const totals = new Map<string, KernelTime>();
  for (const call of recorded.values()) {
    const ms = await replay(call, repeats);
    const entry = totals.get(call.name) ?? { name: call.name, calls: 0, ms: 0 };
    entry.calls += call.calls;
    entry.ms += (ms ?? 0) * call.calls;
    const stock = stockOf(call.name);
    if (stock) entry.stockMs = (entry.stockMs ?? 0) + ((await replayWith(call, stock, repeats)) ?? 0) * call.calls;
    totals.set(call.name, entry);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
