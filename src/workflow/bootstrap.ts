/** Builds the context the server and the CLI run use cases with, from the configuration. */

import type { Config } from '../config.js';
import { didWebFromOrigin, FileKeyProvider, type KeyProvider } from '../credentials/index.js';
import { openStore } from '../store/db.js';
import type { Context } from './context.js';
import { FileEvidenceStorage } from './evidence-storage.js';
import { ReferentialCatalogue } from './referentials.js';

/**
 * did:web always resolves over HTTPS. A laptop serves plain HTTP on localhost; its DID is the one its
 * HTTPS origin would have, so the same document is valid once a TLS front end is added.
 */
export function issuerDid(publicUrl: string): string {
  const url = new URL(publicUrl);
  url.protocol = 'https:';
  return didWebFromOrigin(url.origin);
}

export async function createContext(
  config: Config,
  options: { keys?: KeyProvider; clock?: () => Date } = {},
): Promise<Context> {
  const clock = options.clock ?? (() => new Date());
  const store = await openStore({ url: config.databaseUrl });
  try {
    const keys = options.keys ?? (await FileKeyProvider.open(config.keysDir, clock()));
    const referentials = new ReferentialCatalogue();
    const ctx: Context = {
      config,
      store,
      issuer: {
        did: issuerDid(config.publicUrl),
        origin: config.publicUrl,
        keys,
        logOrigin: config.logOrigin,
      },
      referentials,
      evidence: new FileEvidenceStorage(config.evidenceDir),
      clock,
    };
    await referentials.publishShipped(ctx);
    return ctx;
  } catch (err) {
    await store.close();
    throw err;
  }
}
