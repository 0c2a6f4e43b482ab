import type { Engine } from '../engine/engine';

/**
 * A channel's answer from the real engine, as the renderer would get it; a refusal fails the test
 * with the channel, the code and the engine's message, rather than as an undefined value later.
 */
export async function engineValue<T>(engine: Engine, channel: string, request: unknown): Promise<T> {
  const r = await engine.handle(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
