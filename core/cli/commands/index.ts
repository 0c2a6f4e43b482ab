import type { CliCommand } from '../command';
import { auditCommand } from './audit';
import { backendCommand } from './backend';
import { backupCommand } from './backup';
import { convertCommand } from './convert';
import { datasetCommand } from './dataset';
import { ensembleCommand } from './ensemble';
import { evaluateCommand } from './evaluate';
import { finetuneCommand } from './finetune';
import { hpoCommand } from './hpo';
import { importCommand } from './import';
import { inspectCommand } from './inspect';
import { listCommand } from './list';
import { measureCommand } from './measure';
import { modelCommand } from './model';
import { modelsCommand } from './models';
import { operatingPointCommand } from './operating-point';
import { peFuseCommand } from './pe-fuse';
import { packageCommand } from './package';
import { predictCommand } from './predict';
import { recordCommand } from './record';
import { removeCommand } from './remove';
import { trainCommand } from './train';

/**
 * Every command the `ecg` CLI knows, in the order `ecg --help` lists them.
 * Add a command by writing core/cli/commands/<name>.ts and listing it here.
 */
export const commands: readonly CliCommand[] = [
  importCommand,
  listCommand,
  recordCommand,
  removeCommand,
  inspectCommand,
  convertCommand,
  measureCommand,
  trainCommand,
  hpoCommand,
  finetuneCommand,
  evaluateCommand,
  peFuseCommand,
  ensembleCommand,
  operatingPointCommand,
  predictCommand,
  modelsCommand,
  packageCommand,
  modelCommand,
  datasetCommand,
  backendCommand,
  auditCommand,
  backupCommand,
];
