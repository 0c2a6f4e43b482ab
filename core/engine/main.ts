/**
 * Entry point of the engine process. Electron starts it with utilityProcess.fork (messages
 * through process.parentPort); browser mode and tests start it with child_process.fork
 * (messages through process.send, 'advanced' serialization so typed arrays survive).
 *
 *   node engine.js --data-dir DIR [--resources-dir DIR] [--shell electron|browser]
 */
import { parseArgs } from 'node:util';
import { toErrorInfo } from '../errors';
import { resolveDataDir } from './data-dir';
import { Engine } from './engine';
import { isToEngine, type FromEngine } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

interface Channel {
  send(message: FromEngine): void;
  onMessage(listener: (message: unknown) => void): void;
}

function connect(): Channel {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    return {
      send: (message) => process.send?.(message),
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('engine: started without a parent channel (use utilityProcess.fork or child_process.fork)');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'resources-dir': { type: 'string' },
      shell: { type: 'string', default: 'browser' },
    },
    strict: true,
  });
  const channel = connect();
  const shell = values.shell === 'electron' ? 'electron' : 'browser';
  let engine: Engine;
  try {
    engine = new Engine({ dataDir: resolveDataDir(values['data-dir']), resourcesDir: values['resources-dir'], shell });
    await engine.seedSamplesOnce();
  } catch (error) {
    channel.send({ type: 'fatal', message: toErrorInfo(error).message });
    process.exit(1);
  }
  engine.onEvent((event, payload) => channel.send({ type: 'event', event, payload }));
  channel.onMessage((message) => {
    if (!isToEngine(message)) return;
    if (message.type === 'shutdown') {
      void engine.close().then(() => process.exit(0));
      return;
    }
    void engine.handle(message.channel, message.payload).then((result) => {
      channel.send({ type: 'response', id: message.id, result });
    });
  });
  // The engine must not outlive its shell (an orphan would hold the database).
  process.on('disconnect', () => void engine.close().then(() => process.exit(0)));
  channel.send({ type: 'ready' });
  engine.warmImport();
  // Choose the compute backend now (tensorflow → wasm → cpu, or EINTHOVEN_BACKEND), not at the
  // first prediction; 'ml:backend' answers from the same memoised start.
  void engine.handle('ml:backend', {});
}

void main();
