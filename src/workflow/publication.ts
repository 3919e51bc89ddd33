/**
 * What the authority publishes for relying parties: its DID document, signed status lists and the pieces
 * an offline verifier needs (a label's log inclusion bundle). Signed status lists are cached per list
 * version and re-signed before they go stale.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import {
  type DidDocument,
  didDocument,
  issueStatusListCredential,
  StatusBitstring,
  type VerifyLabelResult,
  verifyLabel,
} from '../credentials/index.js';
import * as ledger from '../ledger/index.js';
import type { Store } from '../store/db.js';
import { inclusionProof, latestCheckpoint, readLeaves } from '../store/log-repository.js';
import type { Database } from '../store/schema.js';
import { readStatusList } from '../store/status-repository.js';
import type { Context } from './context.js';
import { notFound } from './errors.js';
import { statusListUrl } from './labels.js';

/** A signed status list stays valid this long; relying parties refetch within it. */
const STATUS_LIST_TTL_MS = 24 * 3600_000;
/** Re-sign well before expiry so that a cached copy never reaches a verifier already stale. */
const STATUS_LIST_RESIGN_MS = 3600_000;

export function issuerDidDocument(ctx: Context): DidDocument {
  return didDocument(ctx.issuer.did, ctx.issuer.keys.keys());
}

interface SignedList {
  version: number;
  jwt: string;
  etag: string;
  signedAt: number;
}
const signedLists = new WeakMap<Context, Map<string, SignedList>>();

export async function signedStatusList(ctx: Context, id: string): Promise<SignedList> {
  const row = await readStatusList(ctx.store.db, id);
  if (!row) throw notFound(`status list ${id}`);
  let cache = signedLists.get(ctx);
  if (!cache) {
    cache = new Map();
    signedLists.set(ctx, cache);
  }
  const now = ctx.clock();
  const cached = cache.get(id);
  if (
    cached &&
    cached.version === Number(row.version) &&
    now.getTime() - cached.signedAt < STATUS_LIST_RESIGN_MS
  )
    return cached;
  const jwt = await issueStatusListCredential(
    {
      id: statusListUrl(ctx, id),
      issuer: ctx.issuer.did,
      purpose: row.purpose,
      bitstring: new StatusBitstring(new Uint8Array(Buffer.from(row.bits, 'base64'))),
      validFrom: now,
      validUntil: new Date(now.getTime() + STATUS_LIST_TTL_MS),
    },
    ctx.issuer.keys,
  );
  const signed = {
    version: Number(row.version),
    jwt,
    etag: `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 27)}"`,
    signedAt: now.getTime(),
  };
  cache.set(id, signed);
  return signed;
}

export interface InclusionBundle {
  labelId: string;
  leafIndex: number;
  /** The log entry (canonical JSON), base64. */
  entry: string;
  proof: string[];
  treeSize: number;
  checkpoint: string;
}

/** Everything an offline verifier needs to check that a label's issuance is in the log. */
export async function labelInclusion(ctx: Context, labelId: string): Promise<InclusionBundle> {
  const label = await ctx.store.db
    .selectFrom('labels')
    .select(['id', 'log_index'])
    .where('id', '=', labelId)
    .executeTakeFirst();
  if (!label) throw notFound(`label ${labelId}`);
  const checkpoint = await latestCheckpoint(ctx.store.db);
  if (!checkpoint) throw notFound('checkpoint');
  const index = Number(label.log_index);
  const [leaf] = await readLeaves(ctx.store.db, index, index + 1);
  if (!leaf) throw notFound(`log leaf ${index}`);
  const proof = await inclusionProof(ctx.store.db, index, checkpoint.size);
  return {
    labelId,
    leafIndex: index,
    entry: Buffer.from(leaf.entry, 'utf8').toString('base64'),
    proof: proof.map((p) => Buffer.from(p).toString('base64')),
    treeSize: checkpoint.size,
    checkpoint: checkpoint.note,
  };
}

/** The log's verifier keys: every issuer key, active or retired, under the log's name. */
export function logVerifierKeys(ctx: Context) {
  return ctx.issuer.keys.keys().map((k) => ({
    name: ctx.issuer.logOrigin,
    publicKey: new Uint8Array(Buffer.from(k.publicJwk.x, 'base64url')),
  }));
}

interface VerifiedToken {
  result: VerifyLabelResult;
  labelId: string;
  /** The JSON answer per live state, so a repeated verification costs one row read. */
  answers: Map<string, string>;
}
const verifiedTokens = new WeakMap<Context, Map<string, VerifiedToken>>();
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Online verification: our own DID document, the live status lists, and the log inclusion of the label
 * when it is one of ours. A token whose signature, key and log inclusion were verified once is remembered
 * as it is (none of those can change); its status is read live, from the label's row, on every call —
 * the row and the status-list bits change in the same transaction.
 */
export async function verifyOnline(
  ctx: Context,
  token: string,
): Promise<VerifyLabelResult & { labelId?: string }> {
  return JSON.parse(await verifyOnlineJson(ctx, token));
}

/** verifyOnline's answer as JSON text, the form the API sends. */
export async function verifyOnlineJson(ctx: Context, token: string): Promise<string> {
  let cache = verifiedTokens.get(ctx);
  if (!cache) {
    cache = new Map();
    verifiedTokens.set(ctx, cache);
  }
  // Keyed by the token itself: only tokens whose signature and log inclusion verified are kept (labels
  // we issued, a few kilobytes each), and hashing the string for a Map is cheaper than a SHA-256.
  const hit = cache.get(token);
  if (hit) {
    const row = await readLabelState(ctx.store, hit.labelId);
    if (row) {
      const now = ctx.clock().getTime();
      const key = `${row.state}|${Date.parse(row.valid_from) > now}|${Date.parse(row.valid_until) <= now}`;
      let answer = hit.answers.get(key);
      if (!answer) {
        answer = JSON.stringify(
          forAnswer({ ...withLiveStatus(hit.result, row, ctx.clock()), labelId: hit.labelId }),
        );
        hit.answers.set(key, answer);
      }
      return answer;
    }
  }
  const result = await verifyFully(ctx, token);
  if (result.labelId && result.checks.signature && result.checks.log.included) {
    if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(token, { result, labelId: result.labelId, answers: new Map() });
  }
  return JSON.stringify(forAnswer(result));
}

interface LabelState {
  state: string;
  valid_from: string;
  valid_until: string;
}
const labelStateSql = new WeakMap<Kysely<Database>, string>();

/**
 * The live state of a label, read on every verification (another process may have revoked it a moment
 * ago). The query is built and compiled once per database: building it with Kysely on each call cost
 * more than running it.
 */
async function readLabelState(store: Store, labelId: string): Promise<LabelState | undefined> {
  const { db } = store;
  let text = labelStateSql.get(db);
  if (!text) {
    text = db
      .selectFrom('labels')
      .select(['state', 'valid_from', 'valid_until'])
      .where('id', '=', labelId)
      .compile().sql;
    labelStateSql.set(db, text);
  }
  if (store.readCommitted) return store.readCommitted<LabelState>(text, [labelId]);
  const { rows } = await db.executeQuery<LabelState>(CompiledQuery.raw(text, [labelId]));
  return rows[0];
}

/**
 * The caller holds the credential it sent; the answer names what was verified (offer, provider, level,
 * regions) instead of echoing the whole credential back.
 */
function forAnswer(result: VerifyLabelResult & { labelId?: string }) {
  const { credential, ...rest } = result;
  if (!credential) return rest;
  const s = credential.credentialSubject;
  return {
    ...rest,
    label: {
      id: credential.id,
      provider: s.provider,
      offer: s.offer,
      level: s.level,
      regions: s.regions,
      referential: s.referential,
      validFrom: credential.validFrom,
      validUntil: credential.validUntil,
    },
  };
}

/** Replaces the status part of a verified result with the label's current state and the clock. */
function withLiveStatus(
  verified: VerifyLabelResult,
  row: { state: string; valid_from: string; valid_until: string },
  now: Date,
): VerifyLabelResult {
  const reasons: string[] = [];
  const codes: VerifyLabelResult['codes'] = [];
  let status: VerifyLabelResult['status'] = 'valid';
  const add = (s: VerifyLabelResult['status'], code: string, reason: string) => {
    if (status === 'valid') status = s;
    codes.push(code as VerifyLabelResult['codes'][number]);
    reasons.push(reason);
  };
  if (row.state === 'revoked')
    add('revoked', 'status.revoked', 'The label has been revoked (revocation bit set).');
  if (row.state === 'suspended')
    add('suspended', 'status.suspended', 'The label is suspended (suspension bit set).');
  if (new Date(row.valid_until).getTime() <= now.getTime())
    add('expired', 'validity.expired', `The label expired on ${row.valid_until}.`);
  if (new Date(row.valid_from).getTime() > now.getTime())
    add('not-yet-valid', 'validity.not-yet-valid', `The label is valid from ${row.valid_from}.`);
  return {
    ...verified,
    status,
    reasons,
    codes,
    checks: {
      ...verified.checks,
      revocation: { ...verified.checks.revocation, set: row.state === 'revoked' },
      suspension: { ...verified.checks.suspension, set: row.state === 'suspended' },
    },
  };
}

async function verifyFully(ctx: Context, token: string): Promise<VerifyLabelResult & { labelId?: string }> {
  const didDoc = issuerDidDocument(ctx);
  const first = await verifyLabel(token, { didDocuments: [didDoc], now: ctx.clock() });
  if (!first.credential) return first;
  const lists = new Set<string>();
  const prefix = `${ctx.issuer.origin}/v1/status-lists/`;
  for (const entry of first.credential.credentialStatus) {
    if (entry.statusListCredential.startsWith(prefix))
      lists.add(entry.statusListCredential.slice(prefix.length));
  }
  const statusLists = await Promise.all([...lists].map(async (id) => (await signedStatusList(ctx, id)).jwt));
  const labelId = first.credential.id.replace(/^urn:uuid:/, '');
  const known = await ctx.store.db
    .selectFrom('labels')
    .select('id')
    .where('id', '=', labelId)
    .executeTakeFirst();
  const inclusion = known ? await labelInclusion(ctx, labelId) : undefined;
  const result = await verifyLabel(token, {
    didDocuments: [didDoc],
    statusLists,
    now: ctx.clock(),
    expectedIssuer: ctx.issuer.did,
    ...(inclusion
      ? {
          inclusion: {
            entry: inclusion.entry,
            leafIndex: inclusion.leafIndex,
            proof: inclusion.proof,
            checkpoint: inclusion.checkpoint,
          },
          logKeys: logVerifierKeys(ctx),
          logChecker: ledger,
          logOrigin: ctx.issuer.logOrigin,
        }
      : {}),
  });
  return known ? { ...result, labelId } : result;
}
