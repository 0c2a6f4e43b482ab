import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeAnchor, parseAnchor } from './audit-anchor';
import type { AuditVerification } from './audit-chain';

const hash = (c: string) => c.repeat(64);
const verified: AuditVerification = { ok: true, entries: 40, unchained: 0, head: hash('b'), lastId: 40, problem: null, first: { id: 1, hash: hash('a') } };
const signer = { name: 'Cardiology, St Elsewhere', privateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

describe('audit anchor files', () => {
  it('keep and sign the first chained entry (version 2); a first entry edited under the signature is found', () => {
    const anchor = makeAnchor(verified, '/data/einthoven.sqlite', signer);
    expect(anchor).toMatchObject({ version: 2, first: { id: 1, hash: hash('a') } });
    expect(parseAnchor(JSON.stringify(anchor), 'a.json')).toEqual({ lastId: 40, head: hash('b'), first: { id: 1, hash: hash('a') }, signedBy: signer.name });
    const edited = { ...anchor, first: { id: 1, hash: hash('c') } };
    expect(() => parseAnchor(JSON.stringify(edited), 'a.json')).toThrow(/the anchor's signature does not verify/);
  });

  it('still read and verify a version 1 anchor, signed or not (made before the first entry was kept)', () => {
    const { first: _omitted, ...older } = verified;
    const v1 = makeAnchor(older, '/data/einthoven.sqlite', signer);
    expect(v1).toMatchObject({ version: 1 });
    expect(v1).not.toHaveProperty('first');
    expect(parseAnchor(JSON.stringify(v1), 'old.json')).toEqual({ lastId: 40, head: hash('b'), signedBy: signer.name });
  });
  it("refuse an anchor whose signature carries no Ed25519 key as a signature that does not verify, not as the app's fault", () => {
    const anchor = makeAnchor(verified, '/data/einthoven.sqlite', signer);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    // Edited, cut short, or another algorithm's key: each surfaced as E_INTERNAL in OpenSSL's words.
    for (const publicKey of ['AAAA', anchor.signature?.publicKey.slice(0, 20) ?? '', rsa]) {
      const edited = { ...anchor, signature: { ...anchor.signature, publicKey } };
      expect(() => parseAnchor(JSON.stringify(edited), 'a.json'), publicKey).toThrow(
        expect.objectContaining({ code: 'E_VALIDATION', message: "a.json: the anchor's signature does not verify: the anchor file was altered" }),
      );
    }
  });
});
