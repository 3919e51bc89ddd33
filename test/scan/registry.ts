/**
 * A signed registry snapshot for scan tests, made the way the service makes one (src/workflow/registry.ts)
 * but without a database: labelled offers in the regions the fixtures use, signed by an in-memory key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { sha256Hex } from '../../src/credentials/encoding.js';
import { didDocument, MemoryKeyProvider, signCompact } from '../../src/credentials/index.js';
import { referentialDataClasses } from '../../src/placement/classes.js';
import { PlacementEngine } from '../../src/placement/engine.js';
import type { PlacementOffer } from '../../src/placement/types.js';
import { loadReferential } from '../../src/referential/load.js';
import { loadRegionCatalogue } from '../../src/regions/catalogue.js';
import type { ScanContext } from '../../src/scan/evaluate.js';
import { REGISTRY_SNAPSHOT_TYP, type RegistrySnapshot } from '../../src/workflow/registry-snapshot.js';
import { offer } from '../placement/fixtures.js';

export const ISSUER = 'did:web:label.test';
// Relative to the real clock: the CLI decides with the current time, and labels must be valid then.
export const GENERATED_AT = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000);
const VALID_UNTIL = new Date(GENERATED_AT.getTime() + 3 * 365 * 86_400_000).toISOString();

const HDS = { scheme: 'HDS', status: 'certified' };
const SNC = { scheme: 'SecNumCloud', status: 'qualified' };

/** One labelled offer per provider region the fixtures place data in. */
export function registryOffers(): PlacementOffer[] {
  return labelled([
    offer('outscale-iaas-cloudgouv', {
      provider: 'outscale',
      regions: [{ code: 'cloudgouv-eu-west-1', country: 'FR', city: 'Paris' }],
      certifications: [SNC, HDS],
    }),
    offer('outscale-iaas-general', {
      provider: 'outscale',
      level: 'baseline',
      regions: [{ code: 'eu-west-2', country: 'FR', city: 'Paris' }],
    }),
    offer('aws-emea-paris', {
      provider: 'aws',
      level: 'eu-data',
      regions: [{ code: 'eu-west-3', country: 'FR', city: 'Paris' }],
      certifications: [HDS],
    }),
    offer('scaleway-instances', {
      provider: 'scaleway',
      level: 'eu-data',
      regions: [{ code: 'fr-par', country: 'FR', city: 'Paris' }],
    }),
    offer('ovh-public-cloud', {
      provider: 'ovhcloud',
      level: 'eu-data',
      regions: [{ code: 'GRA11', country: 'FR', city: 'Gravelines' }],
    }),
    offer('google-paris', {
      provider: 'google',
      level: 'baseline',
      regions: [{ code: 'europe-west9', country: 'FR', city: 'Paris' }],
    }),
    offer('azure-france', {
      provider: 'azure',
      level: 'eu-data',
      regions: [{ code: 'francecentral', country: 'FR', city: 'Paris' }],
      certifications: [HDS],
    }),
    offer('s3ns-premi3ns', {
      provider: 's3ns',
      regions: [{ code: 'u-france-east1', country: 'FR' }],
      certifications: [SNC],
    }),
    offer('cloud-temple-iaas', {
      provider: 'cloud-temple',
      regions: [{ code: 'fr1', country: 'FR', city: 'Paris' }],
      certifications: [SNC, HDS],
    }),
  ]);
}

function labelled(offers: PlacementOffer[]): PlacementOffer[] {
  return offers.map((o) => ({ ...o, validUntil: VALID_UNTIL }));
}

export interface TestRegistry {
  dir: string;
  snapshotFile: string;
  didFile: string;
  jws: string;
  did: ReturnType<typeof didDocument>;
}

export async function signedRegistry(
  offers: PlacementOffer[] = registryOffers(),
  options: { generatedAt?: Date } = {},
): Promise<TestRegistry> {
  const keys = await MemoryKeyProvider.create(GENERATED_AT);
  const doc = loadReferential().document;
  const payload: RegistrySnapshot = {
    issuer: ISSUER,
    generatedAt: (options.generatedAt ?? GENERATED_AT).toISOString(),
    referentials: [{ id: doc.id, version: doc.version, digest: sha256Hex(canonicalize(doc)!) }],
    offers,
    checkpoint: null,
  };
  const key = keys.activeKey();
  const jws = await signCompact(
    { alg: 'EdDSA', kid: `${ISSUER}#${key.kid}`, typ: REGISTRY_SNAPSHOT_TYP },
    JSON.stringify(payload),
    (input) => keys.sign(key.kid, input),
  );
  const did = didDocument(ISSUER, keys.keys());
  const dir = mkdtempSync(join(tmpdir(), 'confiance-scan-'));
  const snapshotFile = join(dir, 'snapshot.jwt');
  const didFile = join(dir, 'did.json');
  writeFileSync(snapshotFile, jws);
  writeFileSync(didFile, JSON.stringify(did));
  return { dir, snapshotFile, didFile, jws, did };
}

/** What the scan decides with, in-process: the same offers, without a snapshot file. */
export function scanContext(defaults: ScanContext['defaults'] = {}, lang: 'fr' | 'en' = 'en'): ScanContext {
  const referential = loadReferential();
  return {
    engine: new PlacementEngine({
      offers: registryOffers(),
      levelOrder: referential.levelOrder,
      now: new Date(),
    }),
    classes: referentialDataClasses(referential.document),
    catalogue: loadRegionCatalogue(),
    lang,
    defaults,
  };
}
