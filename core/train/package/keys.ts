import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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

export function loadSigningKey(dataDir: string): PackageSigner | undefined {
  const file = signingKeyPath(dataDir);
  if (!existsSync(file)) return undefined;
  const parsed = keyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new EinthovenError('E_IO', `${file}: not an Einthoven signing key`);
  return { name: parsed.data.signer, privateKeyPem: parsed.data.privateKeyPem };
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
