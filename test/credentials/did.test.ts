import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DID_CONTEXTS,
  didDocument,
  didWebDocumentUrl,
  didWebFromOrigin,
  findKey,
  MemoryKeyProvider,
  RETIRED_PROPERTY,
} from '../../src/credentials/index.js';
import { at, T0 } from './helpers.js';

describe('didWebFromOrigin', () => {
  const cases: Array<[string, string]> = [
    ['https://label.example', 'did:web:label.example'],
    ['https://label.example/', 'did:web:label.example'],
    ['https://Label.EXAMPLE', 'did:web:label.example'],
    ['https://label.example:8443', 'did:web:label.example%3A8443'],
    ['https://label.example:443', 'did:web:label.example'],
    ['https://example.com/issuers/fr', 'did:web:example.com:issuers:fr'],
    ['https://example.com:3000/user/bob:work', 'did:web:example.com%3A3000:user:bob%3Awork'],
    ['https://example.com/a%20b', 'did:web:example.com:a%20b'],
    ['https://bücher.example', 'did:web:xn--bcher-kva.example'],
  ];
  for (const [origin, did] of cases) {
    it(`${origin} -> ${did}`, () => assert.equal(didWebFromOrigin(origin), did));
  }

  it('refuses what did:web cannot express', () => {
    for (const bad of [
      'http://label.example',
      'https://u:p@label.example',
      'https://x.example/?q=1',
      'https://x.example/#f',
    ]) {
      assert.throws(() => didWebFromOrigin(bad), TypeError, bad);
    }
  });

  it('maps back to the document URL', () => {
    assert.equal(didWebDocumentUrl('did:web:label.example'), 'https://label.example/.well-known/did.json');
    assert.equal(
      didWebDocumentUrl('did:web:label.example%3A8443'),
      'https://label.example:8443/.well-known/did.json',
    );
    assert.equal(
      didWebDocumentUrl('did:web:example.com:issuers:fr'),
      'https://example.com/issuers/fr/did.json',
    );
  });
});

describe('didDocument', () => {
  it('lists every key, active and retired, as a JsonWebKey assertion method', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const old = p.activeKey();
    const current = await p.rotate(at(1));
    const did = 'did:web:label.example';
    const doc = didDocument(did, p.keys(), {
      service: [{ id: `${did}#registry`, type: 'LinkedDomains', serviceEndpoint: 'https://label.example' }],
    });
    assert.deepEqual(doc['@context'], [...DID_CONTEXTS, { confiance: 'https://w3id.org/confiance/vocab#' }]);
    assert.equal(doc.id, did);
    assert.deepEqual(doc.assertionMethod, [`${did}#${old.kid}`, `${did}#${current.kid}`]);
    assert.deepEqual(doc.verificationMethod?.[0], {
      id: `${did}#${old.kid}`,
      type: 'JsonWebKey',
      controller: did,
      publicKeyJwk: old.publicJwk,
      [RETIRED_PROPERTY]: '2026-12-02T00:00:00Z',
    });
    assert.equal(doc.verificationMethod?.[1]?.[RETIRED_PROPERTY], undefined);
    assert.ok(Array.isArray(doc.service));
  });

  it('does not let extra properties override the keys', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const doc = didDocument('did:web:x.example', p.keys(), { id: 'did:web:evil', assertionMethod: [] });
    assert.equal(doc.id, 'did:web:x.example');
    assert.equal(doc.assertionMethod?.length, 1);
  });
});

describe('findKey', () => {
  it('finds a key by full id or bare kid, with its retirement date', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const old = p.activeKey();
    await p.rotate(at(1));
    const doc = didDocument('did:web:x.example', p.keys());
    assert.equal(findKey(doc, old.kid)?.retiredAt, '2026-12-02T00:00:00Z');
    assert.deepEqual(findKey(doc, `did:web:x.example#${old.kid}`)?.publicJwk, old.publicJwk);
    assert.equal(findKey(doc, p.activeKey().kid)?.retiredAt, undefined);
    assert.equal(findKey(doc, 'nope'), undefined);
  });

  it('resolves relative references and embedded methods', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const { kid, publicJwk } = p.activeKey();
    const did = 'did:web:x.example';
    const method = { id: `#${kid}`, type: 'JsonWebKey', controller: did, publicKeyJwk: publicJwk };
    assert.ok(findKey({ id: did, verificationMethod: [method], assertionMethod: [`#${kid}`] }, kid));
    assert.ok(findKey({ id: did, assertionMethod: [method] }, kid));
  });

  it('ignores keys not meant for assertions, controlled elsewhere, or not Ed25519', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const { kid, publicJwk } = p.activeKey();
    const did = 'did:web:x.example';
    const id = `${did}#${kid}`;
    const vm = { id, type: 'JsonWebKey', controller: did, publicKeyJwk: publicJwk };
    assert.equal(findKey({ id: did, verificationMethod: [vm], assertionMethod: [] }, kid), undefined);
    assert.equal(findKey({ id: did, verificationMethod: [vm] }, kid), undefined);
    assert.equal(
      findKey(
        { id: did, verificationMethod: [{ ...vm, controller: 'did:web:evil' }], assertionMethod: [id] },
        kid,
      ),
      undefined,
    );
    const ec = { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' };
    assert.equal(
      findKey({ id: did, verificationMethod: [{ ...vm, publicKeyJwk: ec }], assertionMethod: [id] }, kid),
      undefined,
    );
  });

  it('survives hostile document shapes without throwing', () => {
    const did = 'did:web:x.example';
    const hostile = [
      { id: did, assertionMethod: 'x', verificationMethod: {} },
      { id: did, assertionMethod: [null, 5, {}, { id: 7 }], verificationMethod: [null] },
      { id: did, assertionMethod: [`${did}#k`], verificationMethod: [{ id: `${did}#k`, controller: did }] },
    ];
    for (const doc of hostile) assert.equal(findKey(doc as never, 'k'), undefined);
  });
});
