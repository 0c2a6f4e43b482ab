import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { databasePath, resolveDataDir } from '../../engine/data-dir';
import { lockedTestReadings } from '../../contract/model-card-text';
import { databaseError, EinthovenError } from '../../errors';
import { attachedTestOf, attachedTestText, attachRefusal, readFolderManifest, signerOf, type AttachOptions, type PackageSigner } from '../../train/package/io';
import { loadSigningKey, signingKeyPath } from '../../train/package/keys';
import type { ModelManifest } from '../../train/package/manifest';
import type { CliIO } from '../command';
import { openCliDataDir } from '../data-folder';
import { bundledModelsDir } from './model-path';
import { cliEngine } from './models-promote';
import { textColumn } from '../text-column';

/**
 * A package `ecg evaluate --attach` writes its locked test into, checked before the evaluation
 * runs: attaching reseals the manifest, so the package's id changes, and whatever refuses the
 * attach must do so before anything is written.
 */
export interface AttachPlan {
  readonly dir: string;
  /** Its manifest as checked: the figures attached must be of this id (attachTestReport refuses others). */
  readonly before: ModelManifest;
  /** The models folder it is installed in (bundled, or the data folder's models/); undefined for a package elsewhere. */
  readonly installedIn?: string;
  /** With --sign: this installation's key, which signs the resealed package. */
  readonly signer?: PackageSigner;
  /** With --replace-test: the test figures the package has may be replaced. */
  readonly replaceTest: boolean;
}

export interface AttachFlags {
  readonly record: boolean;
  readonly sign: boolean;
  readonly replaceTest: boolean;
  readonly dataDir: string | undefined;
}

/** The installation's signing key, as `ecg package seal --sign` takes it (from the data folder's keys/). */
function signerFor(flags: AttachFlags, stderr: CliIO['stderr']): PackageSigner | undefined {
  if (!flags.sign) return undefined;
  const dataDir = openCliDataDir(flags.dataDir, stderr);
  const signer = loadSigningKey(dataDir);
  if (!signer) throw new EinthovenError('E_NOT_FOUND', `no signing key at ${signingKeyPath(dataDir)} (create one with ecg package keygen --signer NAME)`);
  return signer;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  return real(a) === real(b);
}

/** The models folder that holds `dir` as an installed model for this data folder, if any. */
function installedIn(dir: string, dataDir: () => string): string | undefined {
  const parent = path.dirname(dir);
  if (samePath(parent, bundledModelsDir())) return parent;
  // Only a folder named models/ can be a data folder's: a package elsewhere (starter/) looks up no data folder.
  if (path.basename(parent) === 'models' && samePath(parent, path.join(dataDir(), 'models'))) return parent;
  return undefined;
}

/**
 * What this site's database keeps under a model's id (site evaluations, the default and the
 * previous default), each of which would name no installed model once the package's id changed:
 * the app drops a default it cannot find, and the model's card and `models promote` look its
 * evaluation up by id. Nothing, where the data folder has no database yet.
 */
async function keptUnder(id: string, dataDir: string, stderr: CliIO['stderr']): Promise<string[]> {
  if (!existsSync(databasePath(dataDir))) return [];
  const engine = cliEngine(dataDir, stderr);
  try {
    const listed = await engine.handle('models:list', {});
    if (!listed.ok) throw new EinthovenError(listed.error.code, listed.error.message);
    const { defaultModelId, previousDefaultId } = listed.value as { defaultModelId: string | null; previousDefaultId: string | null };
    const evaluation = engine.ledger.evaluations.latest(id);
    return [
      ...(evaluation ? [`its locked-test evaluation on this site's data (the latest: ${evaluation.n} records of ${textColumn(evaluation.dataset.name)}, ${evaluation.createdAt})`] : []),
      ...(defaultModelId === id ? ['its choice as the default model for predictions'] : []),
      ...(previousDefaultId === id ? ['its place as the previous default, which a rollback promotes'] : []),
    ];
  } catch (error) {
    throw databaseError(engine.databaseFile, error);
  } finally {
    await engine.close();
  }
}

function orphanRefusal(plan: Required<Pick<AttachPlan, 'dir' | 'before' | 'installedIn'>>, database: string, kept: readonly string[]): string {
  return (
    `${plan.dir} is installed (in ${plan.installedIn}) as ${plan.before.id}, and this site's database (${database}) keeps under that id ${kept.join('; ')}. ` +
    `Attaching reseals the package, which gives it a new id, and those would then name no installed model: nothing was written. ` +
    `To keep this locked test in a package, attach it to a copy outside ${plan.installedIn} (copy the folder, then \`ecg evaluate --model COPY … --split test --attach\`); ` +
    `installed beside this one, the copy is a model of its own, with its own id, promoted only after its own \`--record\`. To keep it on this site only, use --record without --attach.`
  );
}

/**
 * Checks that `--attach` may write into the package `dir`, before the evaluation runs (and again
 * before the write): a package folder; with --record, the installed package itself, whose new id
 * the engine then finds (a copy elsewhere would be attached while the evaluation was recorded,
 * or refused, under an id no longer its own); not one whose present id this site's database keeps
 * an evaluation or default under; a signed one only with --sign, which signs it again; one that
 * has test figures already only with --replace-test.
 */
export async function planAttach(dir: string, flags: AttachFlags, stderr: CliIO['stderr']): Promise<AttachPlan> {
  if (!statSync(dir).isDirectory()) throw new EinthovenError('E_VALIDATION', `--attach writes into a package folder's manifest.json; ${dir} is not a folder`);
  const signer = signerFor(flags, stderr);
  const before = await readFolderManifest(dir);
  const dataDir = () => resolveDataDir(flags.dataDir);
  const folder = installedIn(dir, dataDir);
  if (flags.record && folder === undefined) {
    throw new EinthovenError(
      'E_VALIDATION',
      `--attach with --record records the evaluation under the id the package has once attached, which only an installed package keeps where the site finds it: ${dir} is neither bundled nor in ${path.join(dataDir(), 'models')}. Give the installed model's id or name, or its folder there, or leave out --record`,
    );
  }
  if (folder !== undefined) {
    const kept = await keptUnder(before.id, dataDir(), stderr);
    if (kept.length > 0) throw new EinthovenError('E_CONFLICT', orphanRefusal({ dir, before, installedIn: folder }, databasePath(dataDir()), kept));
  }
  const plan = { dir, before, replaceTest: flags.replaceTest, ...(folder === undefined ? {} : { installedIn: folder }), ...(signer ? { signer } : {}) };
  const refusal = attachRefusal(before, dir, attachOptions(plan));
  if (refusal) throw refusal;
  return plan;
}

/** What attachTestReport is given to do what was checked. */
export function attachOptions(plan: AttachPlan): AttachOptions {
  return { replaceTest: plan.replaceTest, ...(plan.signer ? { signer: plan.signer } : {}) };
}

/** Who signed the attached package, in words: whose signature it now has, and whose it had. */
function signatureText(plan: AttachPlan, after: ModelManifest): string {
  const now = signerOf(after);
  const was = signerOf(plan.before);
  const signed = now ? `signed by ${textColumn(now.signer)} (key ${now.keyFingerprint})` : 'not signed';
  // Signed with another key than before: the earlier signer no longer vouches for the package.
  const replaced = was && now && was.keyFingerprint !== now.keyFingerprint ? `, in place of ${textColumn(was.signer)}'s signature (key ${was.keyFingerprint})` : '';
  return `${signed}${replaced}`;
}

/** Where the replaced reading now is: the package keeps it, with a fine-tuning's comparison made on it. */
function keptText(before: ModelManifest): string {
  const { comparison, replacedTests = [], test } = before.provenance;
  const withComparison = comparison ? ', with its closing comparison with the base model, made on that reading' : '';
  // Figures kept as no locked test were not a reading of it: the one attached now may be its first.
  const times = lockedTestReadings([...replacedTests.map((r) => ({ notLockedTest: r.test.notLockedTest })), { notLockedTest: test?.notLockedTest }]);
  const read = times === 1 ? 'read once, these figures being its first reading' : `read ${times} times`;
  const kept = test?.notLockedTest ? 'as earlier figures that were not a locked test' : 'as an earlier reading';
  return `the package keeps them ${kept} (provenance.replacedTests${withComparison}), and its card and ecg model inspect say its locked test was ${read}`;
}

/** What the attach did, in the command's words: the package's new id beside the old. */
export function attachedLines(plan: AttachPlan, after: ModelManifest, recorded: boolean): string[] {
  const record = recorded ? `; this evaluation is recorded on this site's data under ${textColumn(after.id)}` : '';
  const replaced = attachedTestOf(plan.before);
  return [
    `attached: ${textColumn(plan.dir)} keeps this locked test in its manifest (provenance.test), resealed as ${textColumn(after.id)} (was ${textColumn(plan.before.id)}), ${signatureText(plan, after)}${record}`,
    // A locked test is read once: the reading it replaces is said, and kept in the package, so it is not hidden.
    ...(replaced ? [`  replaced (--replace-test) the test figures it had: ${attachedTestText(replaced)}; ${keptText(plan.before)}`] : []),
  ];
}

/** The same, in --json: the report's model is the package as it was evaluated. */
export function attachedJson(plan: AttachPlan, after: ModelManifest) {
  return { id: after.id, previousId: plan.before.id, signedBy: signerOf(after) ?? null, previousSignedBy: signerOf(plan.before) ?? null, replaced: attachedTestOf(plan.before) ?? null };
}
