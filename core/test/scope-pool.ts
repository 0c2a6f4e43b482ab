import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRecordFiles } from '../data/records';
import { fixturePath } from './shared-data';
import { intendedInputSchema, scopeFindings, type IntendedInput, type ScopeFindings } from '../train/scope';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The bundled starter's intended input, as its manifest states it. */
export function starterIntendedInput(): IntendedInput {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'models', 'starter', 'manifest.json'), 'utf8')) as { intendedInput: unknown };
  return intendedInputSchema.parse(manifest.intendedInput);
}

/** Every WFDB header under `pool`'s records100 and records500, relative to `pool`, sorted. */
export function poolHeaders(pool: string): string[] {
  return ['records100', 'records500'].flatMap((rate) =>
    readdirSync(path.join(pool, rate))
      .sort()
      .flatMap((sub) =>
        readdirSync(path.join(pool, rate, sub))
          .filter((f) => f.endsWith('.hea'))
          .sort()
          .map((f) => `${rate}/${sub}/${f.replace(/\.hea$/, '')}`),
      ),
  );
}

/** Each pool record's scope verdict against `intended`, keyed by its path without extension (records100/00000/00001_lr). */
export async function poolScopeVerdicts(pool: string, intended: IntendedInput): Promise<Record<string, ScopeFindings>> {
  const out: Record<string, ScopeFindings> = {};
  for (const id of poolHeaders(pool)) {
    const base = path.join(pool, id);
    const record = await decodeRecordFiles([`${base}.hea`, `${base}.dat`]);
    out[id] = scopeFindings({ fs: record.fs, leads: record.leads, patient: { ageYears: record.patient.ageYears } }, intended);
  }
  return out;
}

/**
 * The PTB-XL records among the fixtures: copies of pool records, so their scope verdicts are in the
 * pool's golden file too. `id` is the pool record (records100/00000/00001_lr), `hea` the fixture's
 * header; sorted by both (a record may be copied under two fixture folders).
 */
export function ptbxlFixtureRecords(): { id: string; hea: string }[] {
  const found: { id: string; hea: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^\d{5}_(lr|hr)\.hea$/.test(entry.name) && full.includes('ptbxl')) {
        const name = entry.name.replace(/\.hea$/, '');
        found.push({ id: `${name.endsWith('_lr') ? 'records100' : 'records500'}/00000/${name}`, hea: full });
      }
    }
  };
  walk(fixturePath());
  return found.sort((a, b) => a.id.localeCompare(b.id) || a.hea.localeCompare(b.hea));
}
