import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EinthovenError } from '../../errors';
import { writeFileAtomic } from '../../storage/atomic';
import { makeDataSubfolder, privateFileMode } from '../../storage/private-files';
import type { PackageSigner } from './io';

/**
 * The installation's signing key for the model packages the hospital creates: Ed25519, kept in
 * the data folder (keys/signing-key.json, readable by its owner only). Anyone holding the file
 * can sign as the hospital, so it is protected like any credential; the public half travels
 * inside every signed package and its fingerprint is what a person compares.
 */
const keyFileSchema = z.object({ signer: z.string().min(1).max(200), privateKeyPem: z.string().min(1) });

export const signingKeyPath = (dataDir: string) => path.join(dataDir, 'keys', 'signing-key.json');

/** A key file is a signer's name and a PEM of a few hundred bytes; anything this large is not one. */
const maxKeyFileBytes = 64 * 1024;

export function loadSigningKey(dataDir: string): PackageSigner | undefined {
  const file = signingKeyPath(dataDir);
  if (!existsSync(file)) return undefined;
  // A truncated or edited key file is named as such, where it surfaced as E_INTERNAL in the JSON
  // parser's or OpenSSL's words at every signing and anchor export.
  const notAKey = (why: string) => new EinthovenError('E_IO', `${file}: not an Einthoven signing key (${why}); restore it from the hospital's key backup, or move it away and create a new one with ecg package keygen`);
  // A device or a pipe has size 0 to stat: read, a pipe hung every signing and anchor export.
  const info = statSync(file);
  if (!info.isFile()) throw notAKey('not a regular file (a folder, device, pipe or socket); nothing was read from it');
  if (info.size > maxKeyFileBytes) throw notAKey(`larger than ${maxKeyFileBytes} bytes; nothing was read from it`);
  const parsed = keyFileSchema.safeParse(parseJson(readFileSync(file, 'utf8')));
  if (!parsed.success) throw notAKey('not the JSON of a key file: damaged or truncated');
  if (!isEd25519PrivateKey(parsed.data.privateKeyPem)) throw notAKey('its privateKeyPem is not an Ed25519 private key');
  return { name: parsed.data.signer, privateKeyPem: parsed.data.privateKeyPem };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/**
 * The installation's key where this account may read it. The key is owner-only in every data
 * folder, a shared one included (whoever holds it signs as the hospital), so on a workstation
 * several accounts share, every account but the one that created it was refused the file, and
 * with it every anchor export (E_IO), the one record of the trail's head kept outside the
 * database, and the end of every training it ran (the package written, then the job failed
 * signing it). What such an account makes is unsigned, which the app shows, and says why where it can.
 */
export function signingKeyOfThisAccount(dataDir: string): { readonly signer: PackageSigner | undefined; readonly unsignedBecause?: string } {
  try {
    return { signer: loadSigningKey(dataDir) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    return { signer: undefined, unsignedBecause: `the installation's signing key ${signingKeyPath(dataDir)} is readable only by the account that created it` };
  }
}

/** Creates the installation's key (refusing to replace one: packages signed with it would no longer match). */
export async function createSigningKey(dataDir: string, signer: string): Promise<PackageSigner> {
  const file = signingKeyPath(dataDir);
  if (existsSync(file)) throw new EinthovenError('E_CONFLICT', `${file} already exists; move it away first if you really mean to replace the key`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = { signer, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  // keys/ as private as the data folder, the key owner-only even in a group-shared one: created so, not
  // chmodded after the write (which left it readable by others, in a 0755 keys/, while it was written).
  makeDataSubfolder(path.dirname(file));
  await writeFileAtomic(file, JSON.stringify(key), privateFileMode);
  return { name: signer, privateKeyPem: key.privateKeyPem };
}
