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
