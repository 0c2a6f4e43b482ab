import { readFileSync } from 'node:fs';
import { fixturePath } from '../../test/shared-data';
import type { SourceFile } from '../record';

/** Loads committed fixtures under core/test/fixtures/formats as SourceFiles named `<folder>/<file>`. */
export function fixtureFiles(folder: string, ...names: string[]): SourceFile[] {
  return names.map((name) => ({ name: `${folder}/${name}`, bytes: new Uint8Array(readFileSync(fixturePath('formats', folder, name))) }));
}
