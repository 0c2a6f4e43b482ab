import { existsSync, readdirSync, statSync } from 'node:fs';
import { EinthovenError } from '../errors';

/**
 * An output folder must be new or empty: a trained package, a shard export or a converted model
 * written into a folder that holds one replaces it without a word (a second `ecg finetune --out
 * pe-model` replaced the first model and printed only the new id). Checked before the work
 * starts, so hours of training are not spent on a run that could only destroy something.
 */
export function requireNewOutput(folder: string, what: string): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) throw new EinthovenError('E_CONFLICT', `${folder} is a file: ${what} is written into a new or empty folder`);
  if (readdirSync(folder).length > 0) throw new EinthovenError('E_CONFLICT', `${folder} is not empty: ${what} is written into a new or empty folder, never over what is there`);
}
