/**
 * The registry an offline scan decides against: the authority's signed snapshot, checked with its DID
 * document, and the referential version the snapshot names, checked against the snapshot's digest. Pure:
 * the caller reads the files (or fetches them from a server) and passes their contents.
 */
import canonicalize from 'canonicalize';
import { sha256Hex } from '../credentials/encoding.js';
import type { DidDocument } from '../credentials/types.js';
import { referentialDataClasses } from '../placement/classes.js';
import { PlacementEngine } from '../placement/engine.js';
import type { DataClass } from '../placement/types.js';
import type { ReferentialDocument } from '../referential/types.js';
import { verifyRegistrySnapshot } from '../workflow/registry-snapshot.js';

export const PLACEMENT_REFERENTIAL = 'cloud-de-confiance';

export class RegistrySourceError extends Error {
  constructor(
    message: string,
    readonly details: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'RegistrySourceError';
  }
}

export interface RegistrySource {
  engine: PlacementEngine;
  classes: DataClass[];
  referential: { id: string; version: string; digest: string };
  snapshot: { issuer: string; generatedAt: string; kid: string; offers: number; logSize: number | null };
}

export interface OpenSnapshotInput {
  jws: string;
  didDocument: DidDocument;
  /** The referential document of a given version (a shipped file, a download), or undefined. */
  referential: (
    id: string,
    version: string,
  ) => ReferentialDocument | undefined | Promise<ReferentialDocument | undefined>;
  now: Date;
  maxAgeMs?: number;
  /** An organisation's own classes (fetched from the server with a token). */
  extraClasses?: DataClass[];
}

export async function openSnapshot(input: OpenSnapshotInput): Promise<RegistrySource> {
  const checked = await verifyRegistrySnapshot(input.jws, input.didDocument, {
    now: input.now,
    ...(input.maxAgeMs !== undefined ? { maxAgeMs: input.maxAgeMs } : {}),
  });
  if (!checked.valid) {
    throw new RegistrySourceError(`the registry snapshot is not trustworthy (${checked.code})`, [
      { path: '--snapshot', message: checked.reason },
    ]);
  }
  const snap = checked.snapshot;
  const versions = snap.referentials.filter((r) => r.id === PLACEMENT_REFERENTIAL);
  const named = versions.at(-1);
  if (!named)
    throw new RegistrySourceError('the snapshot names no referential to decide with', [
      { path: '--snapshot', message: `no ${PLACEMENT_REFERENTIAL} version listed` },
    ]);
  const doc = await input.referential(named.id, named.version);
  if (!doc)
    throw new RegistrySourceError(`referential ${named.id}@${named.version} is not available here`, [
      {
        path: '--referential',
        message: `pass the file of ${named.id}@${named.version} (digest ${named.digest})`,
      },
    ]);
  const digest = sha256Hex(canonicalize(doc)!);
  if (digest !== named.digest || doc.version !== named.version)
    throw new RegistrySourceError(
      `referential ${named.id}@${named.version} differs from the one the snapshot names`,
      [{ path: '--referential', message: `digest ${digest}, the snapshot says ${named.digest}` }],
    );
  const levelOrder = doc.levels.map((l) => l.id);
  const engine = new PlacementEngine({ offers: snap.offers, levelOrder, now: input.now });
  const classes = [...referentialDataClasses(doc), ...(input.extraClasses ?? [])];
  const size = checked.checkpoint ? Number(checked.checkpoint.size) : null;
  return {
    engine,
    classes,
    referential: { id: named.id, version: named.version, digest },
    snapshot: {
      issuer: snap.issuer,
      generatedAt: snap.generatedAt,
      kid: checked.kid,
      offers: snap.offers.length,
      logSize: size,
    },
  };
}
