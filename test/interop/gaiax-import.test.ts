/**
 * Gaia-X in: our own fixtures (signed here with throw-away keys, checked against their DID documents) and,
 * when present, every real fixture of ../shared/fixtures/gaiax as a conformance check.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { validateDeclaration } from '../../src/declaration/validate.js';
import { type GaiaxImport, importGaiax } from '../../src/interop/gaiax/import.js';
import { ContextUnavailableError, documentLoader } from '../../src/interop/gaiax/loader.js';
import { signGaiaxCredential } from '../../src/interop/gaiax/proof.js';
import { loadReferential } from '../../src/referential/load.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', 'fixtures', 'gaiax');
const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
const referential = loadReferential('cloud-de-confiance', '1.0.0');
const base = { referential, date: '2026-11-29', lang: 'en' as const };
const errors = (r: GaiaxImport) => r.issues.filter((i) => i.severity === 'error');

type Vp = { verifiableCredential: Array<Record<string, unknown>> };

/** Signs every credential of a presentation with the key of its issuer; returns it and the DID documents. */
async function signPresentation(vp: Vp) {
  const keys = new Map<
    string,
    { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; doc: Record<string, unknown> }
  >();
  const signed: Vp = { ...vp, verifiableCredential: [] };
  for (const vc of vp.verifiableCredential) {
    const did = vc.issuer as string;
    if (!keys.has(did)) {
      const { privateKey, publicKey } = await generateKeyPair('PS256');
      const publicKeyJwk = await exportJWK(publicKey);
      keys.set(did, {
        privateKey,
        doc: {
          id: did,
          verificationMethod: [{ id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk }],
          assertionMethod: [`${did}#key-1`],
        },
      });
    }
    signed.verifiableCredential.push(
      await signGaiaxCredential(
        vc,
        keys.get(did)!.privateKey,
        'PS256',
        `${did}#key-1`,
        '2026-10-01T09:00:00.000Z',
      ),
    );
  }
  return { vp: signed, didDocuments: [...keys.values()].map((k) => k.doc) };
}

describe('Gaia-X 22.10 presentation of a provider (own fixture, signed here)', () => {
  let signed: Awaited<ReturnType<typeof signPresentation>>;
  let result: GaiaxImport;
  before(async () => {
    signed = await signPresentation(read('provider-vp.unsigned.json') as unknown as Vp);
    result = await importGaiax(signed.vp, { ...base, didDocuments: signed.didDocuments });
  });

  it('checks every signature against the issuers’ DID documents', () => {
    assert.deepEqual(errors(result), []);
    assert.deepEqual(
      result.credentials.map((c) => c.signature.status),
      Array(8).fill('verified'),
    );
    assert.equal(result.vocabulary, '22.10');
  });

  it('drafts a valid declaration with the right names and countries', () => {
    const d = result.declaration!;
    assert.ok(validateDeclaration(d).ok);
    assert.equal(d.provider.name, 'Nuage Souverain SAS');
    assert.equal(d.provider.id, 'nuage-souverain-sas');
    assert.equal(d.provider.registeredOffice, 'FR');
    assert.equal(d.provider.centralAdministration, 'FR');
    assert.deepEqual(d.provider.registrationNumber, { scheme: 'VAT', value: 'FR40123456789' });
    assert.equal(d.offer.name, 'Calcul souverain Île-de-France');
    assert.deepEqual(d.offer.regions, [
      { code: 'datacenter-paris-nord', country: 'FR' },
      { code: 'datacenter-frankfurt-backup', country: 'DE' },
    ]);
    assert.equal(d.offer.locationDisclosure, true);
    assert.equal(d.offer.contract?.reversibility?.exportFormatsDocumented, true);
  });

  it('records where every mapped field comes from, with its signature status', () => {
    const name = result.provenance.find((p) => p.field === '$.provider.name')!;
    assert.equal(name.source.path, '$.verifiableCredential[1].credentialSubject["gx:legalName"]');
    assert.equal(name.source.issuer, 'did:web:nuage-souverain.example');
    assert.equal(name.signature, 'verified');
    const office = result.provenance.find((p) => p.field === '$.provider.registeredOffice')!;
    assert.match(office.derived!, /FR-IDF/);
    const fields = new Set(result.provenance.map((p) => p.field));
    for (const f of [
      '$.provider.registrationNumber',
      '$.offer.regions[1].country',
      '$.offer.locationDisclosure',
    ])
      assert.ok(fields.has(f), f);
    assert.deepEqual(
      result.placeholders.map((p) => p.field),
      ['$.offer.serviceModel'],
    );
  });

  it('lists what is still to declare, so the evaluation says missing-data, not a guess', () => {
    const missing = new Map(result.missing.map((m) => [m.path, m.criteria]));
    assert.deepEqual(missing.get('ownership'), ['CDC-CORP-02', 'CDC-CORP-03']);
    assert.ok(missing.has('offer.operations.adminCountries'));
    assert.ok(missing.has('provider.principalEstablishment'));
    assert.ok(!missing.has('offer.regions'), 'regions came from the physical resources');
    assert.equal(result.evaluation!.level, null);
    assert.ok(result.evaluation!.counts['missing-data']! >= 15);
  });

  it('reports a tampered credential as an invalid signature, at its proof', async () => {
    const vp = structuredClone(signed.vp);
    (vp.verifiableCredential[1]!.credentialSubject as Record<string, unknown>)['gx:legalName'] =
      'Someone Else SAS';
    const r = await importGaiax(vp, { ...base, didDocuments: signed.didDocuments });
    assert.deepEqual(
      errors(r).map((i) => [i.code, i.path]),
      [['signature', '$.verifiableCredential[1].proof']],
    );
  });

  it('fetches nothing: without DID documents signatures are "not checked", and an unknown context is refused', async () => {
    const r = await importGaiax(signed.vp, base);
    assert.ok(r.ok);
    assert.ok(r.credentials.every((c) => c.signature.status === 'not-checked'));
    assert.equal(r.provenance.find((p) => p.field === '$.provider.name')!.signature, 'not-checked');
    await assert.rejects(documentLoader()('https://example.org/context.jsonld'), ContextUnavailableError);
    let asked = '';
    const loaded = await documentLoader(async (url) => {
      asked = url;
      return { '@context': {} };
    })('https://example.org/context.jsonld');
    assert.equal(asked, 'https://example.org/context.jsonld');
    assert.deepEqual(loaded.document, { '@context': {} });
  });
});

describe('Gaia-X inputs that are not valid', () => {
  it('an unsigned presentation is refused unless unsigned claims are allowed, then marked unsigned', async () => {
    const unsigned = read('provider-vp.unsigned.json');
    const strict = await importGaiax(unsigned, base);
    assert.equal(errors(strict).length, 8);
    assert.ok(errors(strict).every((i) => i.code === 'proof' && /is required/.test(i.message)));
    const lenient = await importGaiax(unsigned, { ...base, requireProof: false });
    assert.ok(lenient.ok);
    assert.equal(lenient.provenance[0]!.signature, 'unsigned');
  });

  it('names misspelt properties, invalid country codes and values outside an enumeration, at their paths', async () => {
    const r = await importGaiax(read('provider-vp.invalid.unsigned.json'), { ...base, requireProof: false });
    const found = errors(r).map((i) => `${i.path} | ${i.message}`);
    assert.ok(
      found.includes(
        '$.verifiableCredential[1].credentialSubject["gx:legalAdress"] | gx:legalAdress is not a property of gx:LegalParticipant (did you mean gx:legalAddress?)',
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some(
        (f) =>
          f.startsWith('$.verifiableCredential[1].credentialSubject["gx:legalAddress"] | is required') &&
          f.includes('misspelt'),
      ),
      found.join('\n'),
    );
    assert.ok(
      found.includes(
        '$.verifiableCredential[1].credentialSubject["gx:headquarterAddress"]["gx:countrySubdivisionCode"] | "XX-ABC": XX is not an ISO 3166-1 country code',
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some((f) =>
        f.startsWith(
          '$.verifiableCredential[4].credentialSubject["gx:dataAccountExport"]["gx:requestType"] | "fax" must be one of',
        ),
      ),
      found.join('\n'),
    );
  });

  it('says what is wrong with the structure', async () => {
    const r = await importGaiax(read('wrong-structure.json'), base);
    const found = errors(r).map((i) => `${i.path} | ${i.message}`);
    assert.ok(
      found.includes('$.verifiableCredential.credentialSubject | must be an object'),
      found.join('\n'),
    );
    assert.ok(
      found.includes(
        '$.verifiableCredential["@context"] | must start with "https://www.w3.org/2018/credentials/v1" (W3C Verifiable Credentials 1.1)',
      ),
      found.join('\n'),
    );
    const notGaiax = await importGaiax({ hello: 'world' }, base);
    assert.deepEqual(
      errors(notGaiax).map((i) => i.path),
      ['$'],
    );
    assert.equal(notGaiax.declaration, null);
  });
});

describe('Gaia-X 22.04 self-description (own fixture)', () => {
  it('maps the older vocabulary; the signature cannot be checked offline (22.06 shape context not shipped)', async () => {
    const r = await importGaiax(read('participant-22.04.json'), base);
    assert.deepEqual(errors(r), []);
    assert.equal(r.vocabulary, '22.04');
    assert.equal(r.declaration!.provider.name, 'Hébergeur Alpin SA');
    assert.equal(r.declaration!.provider.registeredOffice, 'AT');
    assert.deepEqual(r.declaration!.provider.registrationNumber, {
      scheme: 'LEI',
      value: '529900T8BM49AURSDO55',
    });
    assert.equal(r.credentials[0]!.signature.status, 'not-checked');
  });
});

describe('confiance import gaiax', () => {
  it('writes the draft and exits 0; invalid inputs exit 2 with every problem and its path', () => {
    const out = join(tempDir(), 'draft.json');
    const ok = runCli([
      'import',
      'gaiax',
      join(dir, 'participant-22.04.json'),
      '-o',
      out,
      '--lang',
      'en',
      '--date',
      '2026-11-29',
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Still to declare/);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).provider.name, 'Hébergeur Alpin SA');
    const bad = runCli(['import', 'gaiax', join(dir, 'provider-vp.invalid.unsigned.json')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /invalid Gaia-X input/);
    assert.match(bad.stderr, /gx:legalAdress is not a property of gx:LegalParticipant/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace');
    const none = runCli(['import', 'gaiax', join(dir, 'resource-only.unsigned.json'), '--allow-unsigned']);
    assert.equal(none.status, 1, 'a valid input with no participant drafts nothing: a negative result');
    assert.match(none.stdout, /participant/);
  });
});

// ------------------------------------------------------------------ conformance: real third-party inputs
const shared = join(repoRoot, '..', 'shared', 'fixtures', 'gaiax');

/** Expected outcome per fixture, from ../shared/fixtures/SOURCES.md. */
const EXPECTED: Record<
  string,
  { valid: boolean; name?: string; countries?: [string, string]; codes?: string[] }
> = {
  'smartsense/participant-vp.json': {
    valid: true,
    name: 'Gaia-X European Association for Data and Cloud AISBL',
    countries: ['BE', 'BE'],
  },
  'smartsense/participant-vp-faulty.json': { valid: false, codes: ['unknown-property', 'required'] },
  'smartsense/participant-vp-faulty-missing-proof.json': { valid: false, codes: ['proof'] },
  'smartsense/service-offering-vp.json': {
    valid: true,
    name: 'Gaia-X European Association for Data and Cloud AISBL',
    countries: ['BE', 'BE'],
  },
  'smartsense/service-offering-vp-providedBy-absent.json': { valid: false, codes: ['required'] },
  'smartsense/service-offering-vp-structure-invalid.json': {
    valid: false,
    codes: ['unknown-property', 'required'],
  },
  'smartsense/service-offering-sd.json': {
    valid: true,
    name: 'Gaia-X European Association for Data and Cloud AISBL',
    countries: ['BE', 'BE'],
  },
  'smartsense/service-offering-and-ressources-vp.json': {
    valid: true,
    name: 'Gaia-X AISBL',
    countries: ['BE', 'BE'],
  },
  'smartsense/service-offering-label-level-1.json': {
    valid: true,
    name: 'Vincent Kelleher',
    countries: ['FR', 'FR'],
  },
  'smartsense/service-offering-label-level-1-invalid.json': { valid: false, codes: ['label-level-1'] },
  'sphereon/participant-sd.json': {
    valid: true,
    name: 'Gaia-X European Association for Data and Cloud AISBL',
    countries: ['BE', 'BE'],
  },
  'sphereon/participant-sd-missing-mandatory.json': { valid: false, codes: ['required'] },
  'sphereon/participant-sd-faulty.json': { valid: false, codes: ['country', 'unknown-property'] },
  'sphereon/participant-sd-faulty-missing-proof.json': { valid: false, codes: ['proof'] },
  'sphereon/service-offering-sd.json': { valid: true },
  'sphereon/service-offering-sd-faulty.json': { valid: false, codes: ['value', 'proof', 'context'] },
};
/** Single-credential example inputs without proof: valid structure, refused only for the missing proof. */
const UNSIGNED_EXAMPLES = [
  'data-resource',
  'instantiated-virtual-resource',
  'legitimate-interest',
  'physical-resource',
  'service-access-point',
  'so-tsandcs',
  'software-resource',
  'virtual-resource',
];

describe('conformance with the real Gaia-X fixtures', {
  skip: !existsSync(shared) && 'shared fixtures absent',
}, () => {
  for (const [file, want] of Object.entries(EXPECTED)) {
    it(`${file}: ${want.valid ? 'valid' : 'invalid'}`, async () => {
      const r = await importGaiax(JSON.parse(readFileSync(join(shared, file), 'utf8')), base);
      if (want.valid) {
        assert.deepEqual(errors(r), []);
        if (want.name) {
          assert.equal(r.declaration!.provider.name, want.name);
          assert.deepEqual(
            [r.declaration!.provider.registeredOffice, r.declaration!.provider.centralAdministration],
            want.countries,
          );
        }
      } else {
        assert.ok(!r.ok);
        const codes = new Set(errors(r).map((i) => i.code));
        for (const code of want.codes!)
          assert.ok(codes.has(code), `${file}: no ${code} error among ${[...codes].join(', ')}`);
        for (const e of errors(r)) assert.match(e.path, /^\$/);
      }
    });
  }

  for (const name of UNSIGNED_EXAMPLES) {
    it(`smartsense/${name}.json: structurally valid, refused only for its missing proof`, async () => {
      const doc = JSON.parse(readFileSync(join(shared, 'smartsense', `${name}.json`), 'utf8'));
      const strict = await importGaiax(doc, base);
      assert.deepEqual(
        errors(strict).map((i) => i.code),
        ['proof'],
      );
      const lenient = await importGaiax(doc, { ...base, requireProof: false });
      assert.deepEqual(errors(lenient), []);
      assert.equal(lenient.declaration, null, 'no participant: no provider to draft');
    });
  }

  it('every fixture in the folder is covered', () => {
    const all = readdirSync(shared, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const covered = [
      ...Object.keys(EXPECTED),
      ...UNSIGNED_EXAMPLES.map((n) => `smartsense/${n}.json`),
      'smartsense/terms-and-conditions-vp.json',
    ];
    for (const f of all) assert.ok(covered.includes(f), `${f} has no expectation`);
  });

  it('smartsense/terms-and-conditions-vp.json: valid, nothing to draft', async () => {
    const r = await importGaiax(
      JSON.parse(readFileSync(join(shared, 'smartsense', 'terms-and-conditions-vp.json'), 'utf8')),
      base,
    );
    assert.deepEqual(errors(r), []);
    assert.equal(r.declaration, null);
  });
});
