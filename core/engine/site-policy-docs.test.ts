import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { channelRoles } from './site-policy';

const securityDoc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/security.md');

/** The channels docs/security.md's role table lists for a role: the backticked names of its row's last column. */
function documentedChannels(role: string): string[] {
  const row = readFileSync(securityDoc, 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`| ${role} |`));
  if (!row) throw new Error(`docs/security.md has no role table row for ${role}`);
  const channels = row.split('|').at(-2) ?? '';
  return [...channels.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string).sort();
}

describe("docs/security.md's role table", () => {
  it('lists exactly the channels channelRoles reserves for each role (it once left out datasets:from-readings)', () => {
    for (const role of ['trainer', 'admin'] as const) {
      const inCode = Object.entries(channelRoles)
        .filter(([, needed]) => needed === role)
        .map(([channel]) => channel)
        .sort();
      expect(documentedChannels(role)).toEqual(inCode);
    }
  });
});
