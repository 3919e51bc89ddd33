import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactSign } from 'jose';
import {
  didDocument,
  issueLabelCredential,
  issueStatusListCredential,
  StatusBitstring,
  signCompact,
  type VerifyLabelOptions,
  verifyCompact,
  verifyLabel,
} from '../../src/credentials/index.js';
import {
  at,
  joinJws,
  labelInput,
  makeIssuer,
  REVOCATION_URL,
  SUSPENSION_URL,
  signAnyHeader,
  splitJws,
  T0,
} from './helpers.js';

const issuer = await makeIssuer();
const lists = await issuer.lists();
const token = await issuer.label();
const opts = (extra: Partial<VerifyLabelOptions> = {}): VerifyLabelOptions => ({
  didDocuments: [issuer.doc],
  statusLists: lists,
  now: at(10),
  ...extra,
});

describe('verifyLabel: a good label', () => {
  it('is valid, with every check filled in', async () => {
    const r = await verifyLabel(token, opts({ expectedIssuer: issuer.did }));
    assert.equal(r.status, 'valid', r.reasons.join(' '));
    assert.deepEqual(r.reasons, []);
    assert.deepEqual(r.codes, []);
    assert.equal(r.checks.issuer, issuer.did);
    assert.equal(r.checks.kid, `${issuer.did}#${issuer.provider.activeKey().kid}`);
    assert.equal(r.checks.keyStatus, 'active');
    assert.equal(r.checks.signature, true);
    assert.equal(r.checks.validFrom, '2026-12-01T00:00:00Z');
    assert.deepEqual(r.checks.revocation, { index: 4242, list: REVOCATION_URL, set: false });
    assert.deepEqual(r.checks.suspension, { index: 777, list: SUSPENSION_URL, set: false });
    assert.deepEqual(r.checks.log, { checked: false });
    assert.equal(r.credential?.credentialSubject.level, 'trusted');
  });

  it('is valid without status lists, reporting the status as unchecked', async () => {
    const r = await verifyLabel(token, opts({ statusLists: undefined }));
    assert.equal(r.status, 'valid');
    assert.equal(r.checks.revocation.set, null);
    assert.equal(r.checks.suspension.set, null);
  });

  it('accepts a resolver function instead of a document list', async () => {
    const r = await verifyLabel(
      token,
      opts({ didDocuments: async (did) => (did === issuer.did ? issuer.doc : undefined) }),
    );
    assert.equal(r.status, 'valid');
  });
});

describe('verifyLabel: forged or broken signatures', () => {
  it('refuses alg "none"', async () => {
    const [header, payload] = splitJws(token);
    const forged = joinJws({ ...header, alg: 'none' }, payload, '');
    const r = await verifyLabel(forged, opts());
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['alg.not-allowed']);
    assert.equal(r.credential, undefined);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const [header, payload] = splitJws(token);
    const jwk = issuer.provider.activeKey().publicJwk;
    for (const secret of [Buffer.from(jwk.x, 'base64url'), Buffer.from(JSON.stringify(jwk))]) {
      const forged = await new CompactSign(Buffer.from(JSON.stringify(payload)))
        .setProtectedHeader({ ...header, alg: 'HS256' })
        .sign(secret);
      const r = await verifyLabel(forged, opts());
      assert.equal(r.status, 'bad-signature');
      assert.deepEqual(r.codes, ['alg.not-allowed']);
      // Defence in depth: jose itself refuses it too, whatever our own pre-check does.
      const { importVerificationKey } = await import('../../src/credentials/jws.js');
      await assert.rejects(verifyCompact(forged, await importVerificationKey(jwk)), {
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      });
    }
  });

  it('refuses any other algorithm name, even with a valid Ed25519 signature', async () => {
    const [header, payload] = splitJws(token);
    const kid = issuer.provider.activeKey().kid;
    const forged = await signAnyHeader({ ...header, alg: 'Ed25519' }, payload, (d) =>
      issuer.provider.sign(kid, d),
    );
    const r = await verifyLabel(forged, opts());
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['alg.not-allowed']);
  });

  it('refuses a flipped byte in the payload', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(p, 'base64url');
    const at = bytes.indexOf('"trusted"') + 1;
    bytes[at] = 'T'.charCodeAt(0); // "trusted" -> "Trusted": still JSON, still a plausible credential
    const r = await verifyLabel(`${h}.${bytes.toString('base64url')}.${s}`, opts());
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['signature.invalid']);
  });

  it('refuses a tampered payload that adds a region outside the EU', async () => {
    const [header, payload, signature] = splitJws(token);
    const subject = payload.credentialSubject as { regions: unknown[] };
    const regions = [...subject.regions, { code: 'us-east-1', country: 'US' }];
    const forged = joinJws(header, { ...payload, credentialSubject: { ...subject, regions } }, signature);
    const r = await verifyLabel(forged, opts());
    assert.equal(r.status, 'bad-signature');
    assert.equal(r.credential, undefined);
  });

  it('refuses a flipped byte in the header', async () => {
    const [header, payload, signature] = splitJws(token);
    const r = await verifyLabel(joinJws({ ...header, cty: 'vC' }, payload, signature), opts());
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['signature.invalid']);
  });

  it('refuses a flipped bit in the signature', async () => {
    const [header, payload, signature] = splitJws(token);
    const flipped = Buffer.from(signature);
    flipped[10]! ^= 0x01;
    const r = await verifyLabel(joinJws(header, payload, flipped), opts());
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['signature.invalid']);
  });

  it('refuses an empty signature with alg EdDSA', async () => {
    const r = await verifyLabel(token.replace(/\.[^.]*$/, '.'), opts());
    assert.equal(r.status, 'bad-signature');
  });
});

describe('verifyLabel: keys and issuers', () => {
  it('refuses a kid absent from the DID document', async () => {
    const stranger = await makeIssuer('https://label.example', 'another seed, same DID');
    const forged = await stranger.label();
    const r = await verifyLabel(forged, opts());
    assert.equal(r.status, 'unknown-key');
    assert.deepEqual(r.codes, ['key.unknown']);
  });

  it('refuses a kid whose DID is not the issuer', async () => {
    const other = await makeIssuer('https://other.example');
    const [header, payload] = splitJws(token);
    const kid = other.provider.activeKey().kid;
    const forged = await signAnyHeader({ ...header, kid: `${other.did}#${kid}` }, payload, (d) =>
      other.provider.sign(kid, d),
    );
    const r = await verifyLabel(forged, opts({ didDocuments: [issuer.doc, other.doc] }));
    assert.equal(r.status, 'unknown-key');
    assert.deepEqual(r.codes, ['key.other-did']);
  });

  it('refuses a key present in the document but not listed for assertions', async () => {
    const doc = { ...issuer.doc, assertionMethod: [] };
    const r = await verifyLabel(token, opts({ didDocuments: [doc] }));
    assert.equal(r.status, 'unknown-key');
  });

  it('refuses an issuer other than the expected one', async () => {
    const r = await verifyLabel(token, opts({ expectedIssuer: 'did:web:someone-else.example' }));
    assert.equal(r.status, 'unknown-issuer');
    assert.deepEqual(r.codes, ['issuer.unexpected']);
  });

  it('refuses an issuer without a DID document', async () => {
    const r = await verifyLabel(token, opts({ didDocuments: [] }));
    assert.equal(r.status, 'unknown-issuer');
    assert.deepEqual(r.codes, ['issuer.unknown']);
  });

  it('treats a failing resolver as an unknown issuer instead of throwing', async () => {
    const r = await verifyLabel(
      token,
      opts({ didDocuments: () => Promise.reject(new Error('network down')) }),
    );
    assert.equal(r.status, 'unknown-issuer');
  });

  it('refuses a self-consistent label from another issuer when the relying party pins ours', async () => {
    const other = await makeIssuer('https://other.example');
    const r = await verifyLabel(
      await other.label(),
      opts({ didDocuments: [issuer.doc, other.doc], expectedIssuer: issuer.did }),
    );
    assert.equal(r.status, 'unknown-issuer');
  });
});

describe('verifyLabel: validity period and status', () => {
  it('reports an expired label', async () => {
    const r = await verifyLabel(token, opts({ now: at(366), statusLists: undefined }));
    assert.equal(r.status, 'expired');
    assert.deepEqual(r.codes, ['validity.expired']);
    assert.ok(r.credential, 'an authentic but expired label is still returned');
  });

  it('reports a label that is not valid yet', async () => {
    const r = await verifyLabel(token, opts({ now: at(-1) }));
    assert.equal(r.status, 'not-yet-valid');
    assert.ok(r.codes.includes('validity.not-yet-valid'));
  });

  it('honours the clock tolerance', async () => {
    const r = await verifyLabel(
      token,
      opts({ now: new Date(T0.getTime() - 30_000), clockToleranceSeconds: 60 }),
    );
    assert.equal(r.status, 'valid');
  });

  it('reports a revoked label', async () => {
    const i = await makeIssuer();
    i.revocation.set(4242);
    const r = await verifyLabel(await i.label(), {
      didDocuments: [i.doc],
      statusLists: await i.lists(),
      now: at(10),
    });
    assert.equal(r.status, 'revoked');
    assert.deepEqual(r.codes, ['status.revoked']);
    assert.equal(r.checks.revocation.set, true);
  });

  it('reports a suspended label', async () => {
    const i = await makeIssuer();
    i.suspension.set(777);
    const r = await verifyLabel(await i.label(), {
      didDocuments: [i.doc],
      statusLists: await i.lists(),
      now: at(10),
    });
    assert.equal(r.status, 'suspended');
    assert.deepEqual(r.codes, ['status.suspended']);
  });

  it('applies the precedence revoked > suspended > expired and reports all three', async () => {
    const i = await makeIssuer();
    i.revocation.set(4242);
    i.suspension.set(777);
    const r = await verifyLabel(await i.label(), {
      didDocuments: [i.doc],
      statusLists: await i.lists(),
      now: at(366),
    });
    assert.equal(r.status, 'revoked');
    assert.deepEqual([...r.codes].sort(), ['status.revoked', 'status.suspended', 'validity.expired']);
    assert.equal(r.reasons.length, 3);
  });

  it('applies the precedence suspended > expired', async () => {
    const i = await makeIssuer();
    i.suspension.set(777);
    const r = await verifyLabel(await i.label(), {
      didDocuments: [i.doc],
      statusLists: await i.lists(),
      now: at(366),
    });
    assert.equal(r.status, 'suspended');
  });

  it('reads bits live: a newer list with the bit set revokes a label that an older list did not', async () => {
    const i = await makeIssuer();
    const label = await i.label();
    const before = await i.lists(T0);
    assert.equal(
      (await verifyLabel(label, { didDocuments: [i.doc], statusLists: before, now: at(10) })).status,
      'valid',
    );
    i.revocation.set(4242);
    const after = await i.lists(at(5));
    // Both versions supplied: the most recent one decides.
    const r = await verifyLabel(label, {
      didDocuments: [i.doc],
      statusLists: [...before, ...after],
      now: at(10),
    });
    assert.equal(r.status, 'revoked');
  });
});

describe('verifyLabel: caches stay correct', () => {
  it('notices a status list array changed in place between two calls', async () => {
    const i = await makeIssuer();
    const label = await i.label();
    const statusLists = await i.lists(T0);
    const options = { didDocuments: [i.doc], statusLists, now: at(10) };
    assert.equal((await verifyLabel(label, options)).status, 'valid');
    i.revocation.set(4242);
    statusLists.push(...(await i.lists(at(5))));
    assert.equal((await verifyLabel(label, options)).status, 'revoked');
    statusLists.splice(0, 2);
    assert.equal((await verifyLabel(label, options)).status, 'revoked');
  });

  it('verifies concurrent calls consistently', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyLabel(token, opts())));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set(['valid']));
  });
});

describe('verifyLabel: status lists that must be refused', () => {
  it('refuses a status list issued and signed by someone else', async () => {
    const other = await makeIssuer('https://other.example');
    const foreign = await issueStatusListCredential(
      {
        id: REVOCATION_URL,
        issuer: other.did,
        purpose: 'revocation',
        bitstring: new StatusBitstring(),
        validFrom: T0,
      },
      other.provider,
    );
    const r = await verifyLabel(
      token,
      opts({ statusLists: [foreign, lists[1]!], didDocuments: [issuer.doc, other.doc] }),
    );
    assert.equal(r.status, 'unknown-issuer');
    assert.deepEqual(r.codes, ['status-list.other-issuer']);
    assert.equal(r.checks.revocation.set, null);
  });

  it('refuses a status list claiming our issuer but signed with a stranger key', async () => {
    const stranger = await makeIssuer('https://label.example', 'stranger');
    const [fake] = await stranger.lists();
    const r = await verifyLabel(token, opts({ statusLists: [fake!, lists[1]!] }));
    assert.equal(r.status, 'unknown-key');
    assert.deepEqual(r.codes, ['status-list.unknown-key']);
  });

  it('refuses a status list whose signature does not match', async () => {
    const [header, payload, signature] = splitJws(lists[0]!);
    const tampered = joinJws(header, { ...payload, validUntil: '2099-01-01T00:00:00Z' }, signature);
    const r = await verifyLabel(token, opts({ statusLists: [tampered, lists[1]!] }));
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['status-list.bad-signature']);
  });

  it('refuses a status list whose purpose does not match the entry', async () => {
    const wrongPurpose = await issueStatusListCredential(
      {
        id: REVOCATION_URL,
        issuer: issuer.did,
        purpose: 'suspension',
        bitstring: new StatusBitstring(),
        validFrom: T0,
      },
      issuer.provider,
    );
    const r = await verifyLabel(token, opts({ statusLists: [wrongPurpose, lists[1]!] }));
    assert.equal(r.status, 'malformed');
    assert.deepEqual(r.codes, ['status-list.purpose-mismatch']);
  });

  it('fails closed when a needed list is missing', async () => {
    const r = await verifyLabel(token, opts({ statusLists: [lists[1]!] }));
    assert.equal(r.status, 'malformed');
    assert.deepEqual(r.codes, ['status-list.missing']);
  });

  it("checks the status list's own validity window", async () => {
    const stale = await issuer.lists(T0, at(1));
    const r = await verifyLabel(token, opts({ statusLists: stale, now: at(10) }));
    assert.equal(r.status, 'expired');
    assert.deepEqual(r.codes, ['status-list.expired', 'status-list.expired']);
    const future = await issuer.lists(at(20), at(30));
    const r2 = await verifyLabel(token, opts({ statusLists: future, now: at(10) }));
    assert.equal(r2.status, 'not-yet-valid');
  });

  it('refuses a signed status list whose bitstring is a GZIP bomb', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = `u${gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url')}`;
    const [header, payload] = splitJws(lists[0]!);
    const subject = payload.credentialSubject as Record<string, unknown>;
    const kid = issuer.provider.activeKey().kid;
    const signed = await signCompact(
      header as never,
      JSON.stringify({ ...payload, credentialSubject: { ...subject, encodedList: bomb } }),
      (d) => issuer.provider.sign(kid, d),
    );
    const r = await verifyLabel(token, opts({ statusLists: [signed, lists[1]!] }));
    assert.equal(r.status, 'malformed');
    assert.deepEqual(r.codes, ['status-list.malformed']);
    assert.match(r.reasons[0]!, /expands beyond/);
  });

  it('does not reuse a status list verified against another DID document', async () => {
    const docWithoutKeys = didDocument(issuer.did, []);
    const r = await verifyLabel(token, opts({ didDocuments: [docWithoutKeys] }));
    assert.equal(r.status, 'unknown-key'); // the label itself fails first, and nothing leaks from the cache
    const r2 = await verifyLabel(token, opts());
    assert.equal(r2.status, 'valid');
  });
});

describe('verifyLabel: malformed input', () => {
  const cases: Array<[string, unknown]> = [
    ['empty string', ''],
    ['not a string', 42],
    ['null', null],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['empty header', `.${token.split('.')[1]}.sig`],
    ['non-base64url characters', 'ab!c.de+f.gh/i'],
    ['header not JSON', `${Buffer.from('nope').toString('base64url')}.e30.AAAA`],
    ['header is an array', `${Buffer.from('[]').toString('base64url')}.e30.AAAA`],
    ['huge token', 'a'.repeat(300 * 1024)],
  ];
  for (const [name, input] of cases) {
    it(`refuses ${name}`, async () => {
      const r = await verifyLabel(input as string, opts());
      assert.equal(r.status, 'malformed');
      assert.equal(r.reasons.length, 1);
      assert.equal(r.credential, undefined);
    });
  }

  it('refuses a header without typ vc+jwt', async () => {
    const [header, payload, signature] = splitJws(token);
    const r = await verifyLabel(joinJws({ ...header, typ: 'JWT' }, payload, signature), opts());
    assert.equal(r.status, 'malformed');
    assert.deepEqual(r.codes, ['header.typ']);
  });

  it('refuses a header without a DID-URL kid', async () => {
    const [header, payload, signature] = splitJws(token);
    for (const kid of [undefined, 'just-a-kid', 'did:web:x#', 42]) {
      const r = await verifyLabel(joinJws({ ...header, kid }, payload, signature), opts());
      assert.equal(r.status, 'malformed');
      assert.deepEqual(r.codes, ['header.kid']);
    }
  });

  it('refuses a status list credential presented as a label', async () => {
    const r = await verifyLabel(lists[0]!, opts());
    assert.equal(r.status, 'malformed');
    assert.deepEqual(r.codes, ['credential.malformed']);
  });

  it('refuses payloads that break the credential profile', async () => {
    const [header, payload, signature] = splitJws(token);
    const broken: Array<Record<string, unknown>> = [
      { ...payload, '@context': ['https://www.w3.org/2018/credentials/v1'] },
      { ...payload, type: ['VerifiableCredential'] },
      { ...payload, issuer: 'https://label.example' },
      { ...payload, validFrom: '2026-12-01 00:00' },
      { ...payload, validFrom: '2026-12-01T00:00:00' },
      { ...payload, credentialStatus: [] },
      { ...payload, credentialStatus: [(payload.credentialStatus as unknown[])[0]] },
      { ...payload, credentialSubject: 'x' },
    ];
    for (const p of broken) {
      const r = await verifyLabel(joinJws(header, p, signature), opts());
      assert.equal(r.status, 'malformed', JSON.stringify(p).slice(0, 80));
    }
  });

  it('prefers malformed over everything else', async () => {
    const [header, payload, signature] = splitJws(token);
    const r = await verifyLabel(
      joinJws({ ...header, alg: 'none', typ: 'JWT' }, payload, signature),
      opts({ didDocuments: [] }),
    );
    assert.equal(r.status, 'malformed');
  });
});

describe('verifyLabel: key rotation', () => {
  it('keeps older labels valid and stops the retired key from signing', async () => {
    const i = await makeIssuer('https://rotating.example');
    const key1 = i.provider.activeKey();
    const label1 = await i.label();
    const key2 = await i.provider.rotate(at(30));
    const label2 = await i.label({ validFrom: at(30), validUntil: at(395) });
    i.refreshDoc();
    const statusLists = await i.lists(at(30));
    const r1 = await verifyLabel(label1, { didDocuments: [i.doc], statusLists, now: at(40) });
    const r2 = await verifyLabel(label2, { didDocuments: [i.doc], statusLists, now: at(40) });
    assert.equal(r1.status, 'valid', r1.reasons.join(' '));
    assert.equal(r1.checks.keyStatus, 'retired');
    assert.equal(r2.status, 'valid', r2.reasons.join(' '));
    assert.equal(r2.checks.keyStatus, 'active');
    assert.notEqual(key1.kid, key2.kid);
    await assert.rejects(i.provider.sign(key1.kid, new Uint8Array([1])), /retired/);
  });

  it('refuses a label dated after its key was retired', async () => {
    const i = await makeIssuer('https://backdating.example');
    // Signed before the rotation but claiming validity from after it: what a thief of the retired key would do.
    const late = await i.label({ validFrom: at(60), validUntil: at(400) });
    await i.provider.rotate(at(30));
    i.refreshDoc();
    const r = await verifyLabel(late, { didDocuments: [i.doc], now: at(61) });
    assert.equal(r.status, 'unknown-key');
    assert.deepEqual(r.codes, ['key.retired-before-issuance']);
  });

  it('refuses labels of a key removed from the DID document', async () => {
    const i = await makeIssuer('https://removed.example');
    const label = await i.label();
    await i.provider.rotate(at(1));
    const doc = didDocument(i.did, [i.provider.activeKey()]);
    const r = await verifyLabel(label, { didDocuments: [doc], now: at(2) });
    assert.equal(r.status, 'unknown-key');
  });
});

describe('issued label shape', () => {
  it('uses the VC-JOSE-COSE header', async () => {
    const [header] = splitJws(token);
    assert.deepEqual(header, {
      alg: 'EdDSA',
      kid: `${issuer.did}#${issuer.provider.activeKey().kid}`,
      typ: 'vc+jwt',
      cty: 'vc',
    });
  });

  it('is deterministic for a deterministic key', async () => {
    const again = await issueLabelCredential(labelInput(issuer.did), issuer.provider);
    assert.equal(again, token);
  });
});
