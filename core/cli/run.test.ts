import { describe, expect, it } from 'vitest';
import { capture } from '../test/cli-io';
import { commands } from './commands/index';
import { runCli } from './run';

async function help(...args: string[]): Promise<string> {
  const io = capture();
  expect(await runCli([...args, '--help'], io)).toBe(0);
  return io.out.join('\n');
}

describe('ecg <command> <subcommand> --help', () => {
  it("prints promote's own usage for ecg models promote --help (the locked-test prerequisite, the rollback), not ecg models' listing options", async () => {
    const text = await help('models', 'promote');
    expect(text).toMatch(/^Usage: ecg models promote MODEL --by NAME --yes/);
    expect(text).toMatch(/Refused unless MODEL has a locked-test evaluation/);
    expect(text).toMatch(/Promoting the previous default\s+again is the rollback/);
    expect(text).not.toMatch(/--paper-exact/);
    expect(await help('models', 'promote', 'starter')).toBe(text);
    expect(await help('models')).toMatch(/^Usage: ecg models \[--json\] \[--paper-exact\]/);
  });

  it('prints every command with subcommands its usage naming the subcommand, or the subcommand its own', async () => {
    const withSubcommands: Record<string, string[]> = { models: ['promote'], package: ['verify', 'seal', 'keygen'], dataset: ['export-shards', 'from-readings'], model: ['export-pytorch', 'import-pytorch'] };
    for (const [name, subcommands] of Object.entries(withSubcommands)) {
      const command = commands.find((c) => c.name === name);
      for (const subcommand of subcommands) {
        const text = await help(name, subcommand);
        expect(text).toBe(command?.subcommandUsage?.[subcommand] ?? command?.usage);
        expect(text).toContain(`ecg ${name} ${subcommand}`);
      }
    }
    // A positional that is no subcommand (an inherited property's name included) gets the command's usage.
    expect(await help('models', 'constructor')).toBe(commands.find((c) => c.name === 'models')?.usage);
  });
});

describe("a command's error on stderr", () => {
  // An argument as typed: printed raw in the error that quotes it, the escape recoloured the terminal and the override reordered the line.
  it('writes an escape sequence and a bidirectional override in what it quotes visibly, for an unknown command too', async () => {
    const bad = capture();
    expect(await runCli(['record', 'x\x1b[31m\u202e1'], bad)).toBe(2);
    expect(bad.err).toEqual(["ecg record: E_VALIDATION: a record id is a whole number from 1, got 'x\\u001b[31m\\u202e1'"]);
    const unknown = capture();
    expect(await runCli(['lis\x1b[2J\u202et'], unknown)).toBe(2);
    expect(unknown.err).toEqual(["ecg: unknown command 'lis\\u001b[2J\\u202et' (try 'ecg --help')"]);
  });
});
