/**
 * credentials.verify.ratio: rate of the full offline verifier (label + both status lists, no log proof)
 * over the rate of a bare jose compactVerify of the same token with a pre-imported key. The verifier does
 * the same signature check plus parsing, key lookup and two status bits, so the ratio shows what all the
 * checks cost on top of the unavoidable cryptography. Target: >= 0.9.
 *
 * The two calls alternate in small blocks within the same time window, and each side's rate comes from
 * the time spent in its own blocks: CPU frequency drift or a noisy neighbour then weighs on both alike
 * (back-to-back one-second loops gave ratios swinging by +-0.1 on a shared 2-vCPU machine).
 */

import { performance } from 'node:perf_hooks';
import { compactVerify, importJWK } from 'jose';
import {
  didDocument,
  didWebFromOrigin,
  issueLabelCredential,
  issueStatusListCredential,
  MemoryKeyProvider,
  StatusBitstring,
  verifyLabel,
} from '../src/credentials/index.js';
import type { BenchContext } from './harness.js';

/**
 * Rates (ops/s) of `a` and `b`, measured in alternating blocks of `block` sequential awaited calls until
 * `ms` milliseconds have passed. Warm-up first, so that both run JIT-compiled code.
 */
async function pairedRates(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  ms: number,
  onProgress: (done: number) => void,
  block = 25,
): Promise<[number, number]> {
  for (let i = 0; i < 500; i++) {
    await a();
    await b();
  }
  let timeA = 0;
  let timeB = 0;
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    let t = performance.now();
    for (let i = 0; i < block; i++) await a();
    timeA += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < block; i++) await b();
    timeB += performance.now() - t;
    count += block;
    onProgress(Math.min(ms, performance.now() - start));
  }
  return [(count / timeA) * 1000, (count / timeB) * 1000];
}

export default async function (ctx: BenchContext): Promise<void> {
  const now = new Date('2026-12-01T00:00:00Z');
  const did = didWebFromOrigin('https://label.example');
  const provider = await MemoryKeyProvider.create(now);
  const doc = didDocument(did, provider.keys());
  const revocation = new StatusBitstring();
  const suspension = new StatusBitstring();
  // A realistic list: a few hundred withdrawn labels scattered over the index space.
  for (let i = 0; i < 300; i++) revocation.set((i * 7919) % 131_072);
  for (let i = 0; i < 50; i++) suspension.set((i * 104_729) % 131_072);
  const listUrl = (p: string) => `https://label.example/status/${p}/1`;
  const statusLists = await Promise.all(
    (['revocation', 'suspension'] as const).map((purpose) =>
      issueStatusListCredential(
        {
          id: listUrl(purpose),
          issuer: did,
          purpose,
          bitstring: purpose === 'revocation' ? revocation : suspension,
          validFrom: now,
        },
        provider,
      ),
    ),
  );
  const token = await issueLabelCredential(
    {
      id: 'urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427',
      issuer: did,
      validFrom: now,
      validUntil: new Date(now.getTime() + 365 * 86_400_000),
      subject: {
        provider: {
          id: 'urn:confiance:provider:acme',
          name: 'ACME Cloud SAS',
          legalId: { scheme: 'SIREN', value: '123456789' },
        },
        offer: { id: 'urn:confiance:offer:acme-compute', name: 'ACME Compute', serviceModel: 'IaaS' },
        level: 'trusted',
        regions: [
          { code: 'fr-par-1', country: 'FR', city: 'Paris' },
          { code: 'fr-lyo-1', country: 'FR', city: 'Lyon' },
        ],
        referential: { id: 'urn:confiance:referential', version: '1.0.0' },
        criteriaDigest: 'a'.repeat(64),
        evidenceDigests: Array.from({ length: 8 }, (_, i) => i.toString(16).repeat(64)),
      },
      status: {
        revocation: { index: 4242, listUrl: listUrl('revocation') },
        suspension: { index: 777, listUrl: listUrl('suspension') },
      },
    },
    provider,
  );

  const options = {
    didDocuments: [doc],
    statusLists,
    now: new Date(now.getTime() + 86_400_000),
    expectedIssuer: did,
  };
  const check = await verifyLabel(token, options);
  if (check.status !== 'valid') throw new Error(`bench fixture does not verify: ${check.reasons.join(' ')}`);
  const key = await importJWK(provider.activeKey().publicJwk, 'EdDSA');

  const full = () => verifyLabel(token, options);
  const bare = () => compactVerify(token, key, { algorithms: ['EdDSA'] });
  const ms = ctx.quick ? 2000 : 10_000;
  const [verifyRate, joseRate] = await pairedRates(full, bare, ms, (done) =>
    ctx.progress('credentials.verify', Math.round(done), ms),
  );
  ctx.report({
    name: 'credentials.verify.ratio',
    value: Number((verifyRate / joseRate).toFixed(3)),
    unit: 'ratio',
    target: 0.9,
    goal: 'min',
    details: {
      verifyLabelPerSec: Math.round(verifyRate),
      joseCompactVerifyPerSec: Math.round(joseRate),
      tokenBytes: token.length,
      statusListTokenBytes: statusLists.map((t) => t.length),
      measuredMs: ms,
    },
  });
}
