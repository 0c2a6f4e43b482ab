import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { EinthovenError } from '../errors';
import type { AuditAnchor, AuditVerification } from './audit-chain';

/**
 * An exported head of the audit trail, kept by the hospital outside the database (another
 * machine, a printed report, a write-once share). Anyone with the database file can rewrite
 * the whole chain and recompute every hash; they cannot change an anchor already elsewhere.
 * Verifying against it finds a rewrite, a removal from the end, or a removed entry with the
 * hashes recomputed. With the installation's signing key the anchor is signed, so a forged
 * anchor file is recognisable too.
 */
export const anchorSchema = z.object({
  format: z.literal('einthoven-audit-anchor'),
  /** 2 adds `first`, and signs it. */
  version: z.union([z.literal(1), z.literal(2)]),
  lastId: z.number().int().positive(),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  first: z.object({ id: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  entries: z.number().int().nonnegative(),
  exportedAt: z.string(),
  database: z.string(),
  signature: z.object({ signer: z.string(), publicKey: z.string(), signature: z.string() }).optional(),
});
export type AnchorFile = z.infer<typeof anchorSchema>;

/** What a signature covers: version 2 covers the first entry too, so it cannot be edited under a valid signature. */
const signedText = (a: Pick<AnchorFile, 'version' | 'lastId' | 'head' | 'entries' | 'exportedAt' | 'first'>) =>
  a.version === 1 ? `einthoven-audit-anchor-v1:${a.lastId}:${a.head}:${a.entries}:${a.exportedAt}` : `einthoven-audit-anchor-v2:${a.lastId}:${a.head}:${a.entries}:${a.exportedAt}:${a.first?.id ?? ''}:${a.first?.hash ?? ''}`;

export function makeAnchor(verification: AuditVerification, database: string, signer?: { name: string; privateKeyPem: string }): AnchorFile {
  if (!verification.ok || verification.lastId === null || verification.head === null) {
    throw new EinthovenError('E_CONFLICT', 'the audit trail does not verify (or has no hash-chained entry); an anchor would vouch for a damaged trail');
  }
  const first = verification.first ? { first: verification.first } : {};
  const anchor: AnchorFile = { format: 'einthoven-audit-anchor', version: verification.first ? 2 : 1, lastId: verification.lastId, head: verification.head, ...first, entries: verification.entries, exportedAt: new Date().toISOString(), database };
  if (!signer) return anchor;
  const key = createPrivateKey(signer.privateKeyPem);
  return {
    ...anchor,
    signature: {
      signer: signer.name,
      publicKey: createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64'),
      signature: sign(null, Buffer.from(signedText(anchor)), key).toString('base64'),
    },
  };
}

/** An anchor is a few hundred bytes of JSON; a file many times that is not one. */
const maxAnchorBytes = 64 * 1024;

/**
 * Reads the anchor file at `file` (`ecg audit --verify --anchor FILE`), its kind and size checked
 * before a byte is read: named by mistake, a device (/dev/zero) or a large file (a backup's
 * database) was read whole, gigabytes within seconds, before it could be found not to be an anchor.
 */
export function readAnchorFile(file: string): AuditAnchor & { signedBy?: string } {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new EinthovenError('E_NOT_FOUND', `${file}: no such anchor file`);
  }
  if (!stats.isFile()) throw new EinthovenError('E_VALIDATION', `${file}: not an Einthoven audit anchor file (not a regular file: a folder, device, pipe or socket; nothing was read from it)`);
  if (stats.size > maxAnchorBytes) throw new EinthovenError('E_VALIDATION', `${file}: not an Einthoven audit anchor file (${stats.size} bytes; an anchor is under ${maxAnchorBytes})`);
  return parseAnchor(readFileSync(file, 'utf8'), file);
}

/**
 * Whether an anchor's signature verifies with the Ed25519 key it carries. A key that is not one
 * (edited, truncated, another algorithm's) is a signature that does not verify, as for a package
 * (core/train/package/seal.ts): it surfaced as E_INTERNAL in OpenSSL's words ("asn1 encoding
 * routines::wrong tag"), which reads as a fault of the app, not of the anchor file.
 */
function signatureVerifies(signature: { publicKey: string; signature: string }, text: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(signature.publicKey, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' && verify(null, Buffer.from(text), key, Buffer.from(signature.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Reads an anchor file; a signed one must verify. */
export function parseAnchor(text: string, where: string): AuditAnchor & { signedBy?: string } {
  let parsed;
  try {
    parsed = anchorSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) throw new EinthovenError('E_VALIDATION', `${where}: not an Einthoven audit anchor file`);
  const a = parsed.data;
  if (a.signature) {
    if (!signatureVerifies(a.signature, signedText(a))) {
      throw new EinthovenError('E_VALIDATION', `${where}: the anchor's signature does not verify: the anchor file was altered`);
    }
    return { lastId: a.lastId, head: a.head, ...(a.first ? { first: a.first } : {}), signedBy: a.signature.signer };
  }
  return { lastId: a.lastId, head: a.head, ...(a.first ? { first: a.first } : {}) };
}
