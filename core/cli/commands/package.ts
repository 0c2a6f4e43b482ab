import { createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../../engine/engine';
import { databaseError, EinthovenError } from '../../errors';
import { disposeModel, isEnsemble, isEnsemblePackage, loadModel, resealEnsembleFolder } from '../../train/ensemble/package';
import { resealPackageFolder, signerOf } from '../../train/package/io';
import { createSigningKey, loadSigningKey, signingKeyPath } from '../../train/package/keys';
import { keyFingerprint } from '../../train/package/seal';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../command';
import { bundledModelsDir, resolveModel } from './model-path';
import { openCliDataDir } from '../data-folder';
import { jsonLine, textColumn } from '../text-column';

function fingerprintOfPem(pem: string): string {
  return keyFingerprint(createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64'));
}

/**
 * Creates the installation's signing key, which speaks for the hospital in every package the
 * workstation makes from then on: under a site policy only an admin may (E_FORBIDDEN otherwise,
 * the refusal audited), and its creation is audited with the fingerprint readers compare.
 */
async function keygenOnSite(dataDir: string | undefined, signerName: string, stderr: CliIO['stderr']): Promise<{ file: string; signer: string; fingerprint: string }> {
  const folder = openCliDataDir(dataDir, stderr);
  const engine = new Engine({ dataDir: folder, resourcesDir: path.dirname(bundledModelsDir()), shell: 'cli' });
  try {
    const file = signingKeyPath(folder);
    try {
      engine.authorizeCommand('package keygen', 'admin', "creating the installation's signing key");
    } catch (error) {
      throw databaseError(engine.databaseFile, error);
    }
    const key = await createSigningKey(folder, signerName);
    const fingerprint = fingerprintOfPem(key.privateKeyPem);
    try {
      engine.audit.append('cli', 'signing-key.created', null, { signer: key.name, fingerprint, file: path.relative(folder, file) });
    } catch (error) {
      // A key whose creation cannot be recorded is not kept: it would sign as the hospital unaudited.
      rmSync(file, { force: true });
      throw databaseError(engine.databaseFile, error);
    }
    return { file, signer: key.name, fingerprint };
  } finally {
    await engine.close();
  }
}

export const packageCommand: CliCommand = {
  name: 'package',
  summary: 'Verify, seal or sign model packages; create the hospital signing key',
  usage: `Usage: ecg package verify MODEL… [--json] [--data-dir DIR]
       ecg package seal DIR [--sign] [--data-dir DIR]
       ecg package keygen --signer NAME [--data-dir DIR]

verify   loads each MODEL (a package folder or .ecgmodel file, a bundled model's folder name
         such as starter, or the id or name of a bundled model or one in the data folder's
         models/) and checks its seal (one SHA-256 over the whole manifest, which names the
         SHA-256 of model.json and weights.bin) and its signature if it has one; prints the
         model id and who signed it. An ensemble: its manifest's seal and each member as a
         package of its own, each the model the ensemble lists. Exit 1 if any fails.
seal     recomputes the digests and the seal of a package folder as it is now, so its id
         changes (for a package whose content you trust: the bundled starter after retraining,
         or one made by an older version). With --sign, signs it with this installation's key.
         An ensemble takes its members' digests as they are now; each member must verify.
         DIR is a folder path, never a model's name: resealing rewrites the package, and an
         installed model's id is what its predictions and evaluations name.
keygen   creates this installation's Ed25519 signing key in DATA-DIR/keys (once). Needs the admin
         role when a site policy is in force; audited as signing-key.created with its fingerprint.

A seal is integrity, not authenticity: anyone able to edit a package can reseal it. Only a
signature by a key you know says who produced a model; compare its fingerprint.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, sign: { type: 'boolean' }, signer: { type: 'string' }, 'data-dir': { type: 'string' } });
    const [action, ...targets] = positionals;
    const actions = ['verify', 'seal', 'keygen'];
    if (action === undefined || !actions.includes(action)) throw new EinthovenError('E_VALIDATION', `${action === undefined ? 'no action given' : `unknown action '${action}'`}: ecg package ${actions.join('|')} (see ecg package --help)`);
    // Resolved only where used: verifying a package by its path needs no data folder.
    const dataDir = () => openCliDataDir(values['data-dir'], io.stderr);
    if (action === 'keygen') {
      if (!values.signer) throw new EinthovenError('E_VALIDATION', '--signer NAME is required (who the key speaks for, e.g. "Cardiology, St Elsewhere")');
      const { file, signer, fingerprint } = await keygenOnSite(values['data-dir'], values.signer, io.stderr);
      io.stdout(`created ${textColumn(file)} for ${textColumn(signer)}, fingerprint ${fingerprint}`);
      return 0;
    }
    if (targets.length === 0) throw new EinthovenError('E_VALIDATION', `no package given (see ecg package --help)`);
    if (action === 'seal') {
      const signer = values.sign ? loadSigningKey(dataDir()) : undefined;
      if (values.sign && !signer) throw new EinthovenError('E_NOT_FOUND', `no signing key at ${signingKeyPath(dataDir())} (create one with ecg package keygen --signer NAME)`);
      for (const dir of targets) {
        // An ensemble has no model.json of its own: its digests are its members'.
        const manifest = (await isEnsemblePackage(dir)) ? await resealEnsembleFolder(dir, signer) : await resealPackageFolder(dir, signer);
        io.stdout(`${textColumn(dir)}: sealed as ${textColumn(manifest.id)}${signer ? `, signed by ${textColumn(signer.name)}` : ''}`);
      }
      return 0;
    }
    if (action !== 'verify') throw new EinthovenError('E_VALIDATION', `unknown action '${action ?? ''}' (verify, seal or keygen)`);
    let failed = 0;
    for (const location of targets) {
      try {
        // loadModel: an ensemble (no model.json of its own) is verified member by member.
        const loaded = await loadModel(await resolveModel(location, values['data-dir']));
        disposeModel(loaded);
        const signed = signerOf(loaded.manifest);
        const members = isEnsemble(loaded) ? loaded.members.map((m) => m.manifest.id) : undefined;
        if (values.json) io.stdout(jsonLine({ package: location, ok: true, id: loaded.manifest.id, signedBy: signed ?? null, ...(members ? { members } : {}) }));
        else io.stdout(`${textColumn(location)}: OK ${textColumn(loaded.manifest.id)}${members ? ` (ensemble; members ${members.map(textColumn).join(', ')} verified)` : ''}${signed ? `, signed by ${textColumn(signed.signer)} (key ${signed.keyFingerprint})` : ', not signed'}`);
      } catch (error) {
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        io.stdout(values.json ? jsonLine({ package: location, ok: false, error: message }) : `${textColumn(location)}: FAILED ${textColumn(message)}`);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
