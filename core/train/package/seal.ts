import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { EinthovenError } from '../../errors';

/**
 * The seal of a model package. One SHA-256 (the "seal digest") covers the whole manifest in
 * canonical JSON — every field, including fields added by later versions or other modules,
 * since nothing is listed by name — except the three fields that derive from it (`id`,
 * `integrity`, `signature`). The manifest itself holds the SHA-256 of model.json and
 * weights.bin, so the digest covers the whole package. The model's id is its name plus the
 * digest's first 12 hex digits: whatever changes in a package, its id changes.
 *
 * A hash is integrity, not authenticity: anyone who can edit the package can recompute it
 * (`ecg package seal`). Authenticity comes from the optional signature with a key that the
 * hospital holds (Ed25519): the app shows who signed a model and whether this installation
 * trusts that key.
 */
export const sealAlgorithm = 'sha256-canonical-json-v1';
const signedPrefix = 'einthoven-model-seal-v1:';

/** Fields derived from the digest; everything else in the manifest is covered by it. */
const derivedFields = new Set(['id', 'integrity', 'signature']);

/** JSON with object keys sorted at every level (RFC 8785 style for the values JSON.parse yields). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new EinthovenError('E_MODEL', 'a manifest number is not finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The seal digest of a manifest as parsed from its JSON (not after schema defaults). */
export function sealDigest(rawManifest: Record<string, unknown>): string {
  const covered = Object.fromEntries(Object.entries(rawManifest).filter(([k]) => !derivedFields.has(k)));
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

export const modelIdOf = (name: string, digest: string) => `${name}@${digest.slice(0, 12)}`;

export interface PackageSignature {
  readonly algorithm: 'ed25519';
  /** Who produced the model, as the key's owner named themselves (e.g. "Cardiology, St Elsewhere"). */
  readonly signer: string;
  /** The public key, SPKI DER in base64, so any installation can check the signature. */
  readonly publicKey: string;
  readonly signature: string;
}

/** SHA-256 of the public key (first 16 hex digits): what a person compares to decide trust. */
export function keyFingerprint(publicKeyBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 16);
}

/**
 * Seals a manifest (as plain JSON data): sets id and integrity from the digest and, given a
 * private key, signs the digest. Returns a new object; any previous signature is dropped
 * (it signed other content).
 */
export function sealManifest(raw: Record<string, unknown>, signer?: { readonly name: string; readonly privateKeyPem: string }): Record<string, unknown> {
  if (typeof raw.name !== 'string') throw new EinthovenError('E_MODEL', 'manifest has no name to seal');
  const plain = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>; // what a reader will parse
  delete plain.signature;
  const digest = sealDigest(plain);
  const sealed: Record<string, unknown> = { ...plain, id: modelIdOf(raw.name, digest), integrity: { algorithm: sealAlgorithm, sha256: digest } };
  if (signer) sealed.signature = signDigest(digest, signer.name, createPrivateKey(signer.privateKeyPem));
  return sealed;
}

function signDigest(digest: string, signerName: string, key: KeyObject): PackageSignature {
  if (key.asymmetricKeyType !== 'ed25519') throw new EinthovenError('E_VALIDATION', 'the signing key must be an Ed25519 key');
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  const signature = sign(null, Buffer.from(signedPrefix + digest), key).toString('base64');
  return { algorithm: 'ed25519', signer: signerName, publicKey, signature };
}

export interface SealCheck {
  readonly digest: string;
  /** Present when the package is signed and the signature is valid for its content. */
  readonly signedBy?: { readonly signer: string; readonly keyFingerprint: string };
}

/**
 * Checks a manifest's seal: the recorded digest must equal the recomputed one, the id must be
 * derived from it, and a signature, if any, must verify. E_MODEL naming the problem otherwise.
 */
export function checkSeal(raw: Record<string, unknown>, where: string): SealCheck {
  const integrity = raw.integrity as { algorithm?: unknown; sha256?: unknown } | undefined;
  if (!integrity || typeof integrity !== 'object') {
    throw new EinthovenError('E_MODEL', `${where}: the package is not sealed (made before packages were sealed, or edited); refusing to load it. If you trust its origin, reseal it with: ecg package seal ${where}`);
  }
  if (integrity.algorithm !== sealAlgorithm) throw new EinthovenError('E_MODEL', `${where}: unknown seal algorithm ${JSON.stringify(integrity.algorithm)}`);
  const digest = sealDigest(raw);
  if (integrity.sha256 !== digest) {
    throw new EinthovenError('E_MODEL', `${where}: the manifest does not match its seal: the package was altered after it was made (classes, thresholds, preprocessing or another field); refusing to load it`);
  }
  if (raw.id !== modelIdOf(String(raw.name), digest)) {
    throw new EinthovenError('E_MODEL', `${where}: the model id ${JSON.stringify(raw.id)} does not belong to this content (expected ${modelIdOf(String(raw.name), digest)}); refusing to load it`);
  }
  if (raw.signature === undefined) return { digest };
  return { digest, signedBy: checkSignature(raw.signature, digest, where) };
}

function checkSignature(value: unknown, digest: string, where: string): { signer: string; keyFingerprint: string } {
  const s = value as Partial<PackageSignature> | null;
  if (!s || s.algorithm !== 'ed25519' || typeof s.signer !== 'string' || typeof s.publicKey !== 'string' || typeof s.signature !== 'string') {
    throw new EinthovenError('E_MODEL', `${where}: malformed package signature`);
  }
  let valid: boolean;
  try {
    const key = createPublicKey({ key: Buffer.from(s.publicKey, 'base64'), format: 'der', type: 'spki' });
    valid = key.asymmetricKeyType === 'ed25519' && verify(null, Buffer.from(signedPrefix + digest), key, Buffer.from(s.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new EinthovenError('E_MODEL', `${where}: the package signature (by ${JSON.stringify(s.signer)}) does not verify: the package was altered after it was signed; refusing to load it`);
  return { signer: s.signer, keyFingerprint: keyFingerprint(s.publicKey) };
}
