/**
 * Organisations, users, API tokens and logins. Tokens are shown once and stored as SHA-256 digests;
 * passwords as scrypt hashes. Nothing secret is ever returned by a read or written to the audit trail.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, OrganisationTable, UserTable } from '../store/schema.js';
import { recordAudit } from './audit.js';
import type { Actor, Context, Role, Scope } from './context.js';
import { conflict, forbidden, invalid, notFound, unauthenticated } from './errors.js';
import { sha256 } from './evidence-storage.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { authorize } from './policy.js';

const ROLE_FOR_KIND: Record<OrganisationTable['kind'], Role> = {
  provider: 'provider',
  assessor: 'assessor',
  authority: 'authority',
};

export const TOKEN_PREFIX = 'cfc_';

export interface NewOrganisation {
  name: string;
  kind: OrganisationTable['kind'];
  country?: string;
  registration?: { scheme: string; value: string };
}

export async function createOrganisation(ctx: Context, actorId: string, input: NewOrganisation) {
  const now = ctx.clock();
  const row: OrganisationTable = {
    id: randomUUID(),
    name: input.name,
    kind: input.kind,
    country: input.country ?? null,
    registration_scheme: input.registration?.scheme ?? null,
    registration_value: input.registration?.value ?? null,
    created_at: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('organisations').values(row).execute();
    await recordAudit(trx, now, {
      actor: actorId,
      action: 'organisation.created',
      subjectType: 'organisation',
      subjectId: row.id,
      after: row,
    });
  });
  return row;
}

export interface NewUser {
  organisationId: string;
  email: string;
  displayName: string;
  password?: string;
}

export function validatePassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('password too short', [
      { path: '$.password', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
}

/** The role follows the organisation's kind: a provider's people are providers, and so on. */
export async function createUser(ctx: Context, actorId: string, input: NewUser): Promise<UserTable> {
  const org = await ctx.store.db
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', input.organisationId)
    .executeTakeFirst();
  if (!org)
    throw invalid('unknown organisation', [
      { path: '$.organisationId', message: `no organisation ${input.organisationId}` },
    ]);
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw invalid('invalid email', [{ path: '$.email', message: 'not an email address' }]);
  if (input.password !== undefined) validatePassword(input.password);
  const existing = await ctx.store.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (existing) throw conflict(`a user with email ${email} already exists`);
  const now = ctx.clock();
  const row: UserTable = {
    id: randomUUID(),
    organisation_id: org.id,
    email,
    display_name: input.displayName,
    role: ROLE_FOR_KIND[org.kind],
    password_hash: input.password ? await hashPassword(input.password) : null,
    oidc_issuer: null,
    oidc_subject: null,
    created_at: now.toISOString(),
    disabled_at: null,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values(row).execute();
    await recordAudit(trx, now, {
      actor: actorId,
      action: 'user.created',
      subjectType: 'user',
      subjectId: row.id,
      after: { email, role: row.role, organisation: org.id },
    });
  });
  return row;
}

export function publicUser(u: UserTable) {
  return {
    id: u.id,
    organisationId: u.organisation_id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    createdAt: u.created_at,
    disabled: u.disabled_at !== null,
  };
}

export function actorFor(
  user: UserTable,
  via: Actor['via'],
  scopes: readonly Scope[] = ['read', 'write'],
): Actor {
  return { userId: user.id, organisationId: user.organisation_id, role: user.role, scopes, via };
}

/** Password login; the same answer for an unknown email and a wrong password. */
export async function login(ctx: Context, email: string, password: string): Promise<UserTable> {
  const user = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  const ok =
    user?.password_hash && !user.disabled_at ? await verifyPassword(password, user.password_hash) : false;
  if (!user || !ok) throw unauthenticated('wrong email or password');
  return user;
}

export interface NewToken {
  name: string;
  scopes: Scope[];
  expiresAt?: string;
}

/** Creates an API token for the actor itself; the secret is returned once. */
export async function createApiToken(ctx: Context, actor: Actor | null, input: NewToken) {
  const a = authorize(actor, 'write', 'provider', 'assessor', 'authority');
  if (a.via === 'token') throw forbidden('tokens cannot create tokens; log in to create one');
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || scopes.some((s) => s !== 'read' && s !== 'write')) {
    throw invalid('invalid scopes', [
      { path: '$.scopes', message: 'a non-empty list of "read" and "write"' },
    ]);
  }
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const id = randomUUID();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        user_id: a.userId,
        name: input.name,
        token_hash: sha256(secret),
        scopes: JSON.stringify(scopes),
        created_at: now.toISOString(),
        expires_at: input.expiresAt ?? null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    await recordAudit(trx, now, {
      actor: a.userId,
      action: 'token.created',
      subjectType: 'api_token',
      subjectId: id,
      after: { name: input.name, scopes },
    });
  });
  return {
    id,
    name: input.name,
    scopes,
    token: secret,
    createdAt: now.toISOString(),
    expiresAt: input.expiresAt ?? null,
  };
}

export async function listApiTokens(ctx: Context, actor: Actor | null) {
  const a = authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const rows = await ctx.store.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', a.userId)
    .orderBy('created_at')
    .execute();
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    scopes: JSON.parse(t.scopes) as Scope[],
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
    lastUsedAt: t.last_used_at,
  }));
}

export async function revokeApiToken(ctx: Context, actor: Actor | null, tokenId: string) {
  const a = authorize(actor, 'write', 'provider', 'assessor', 'authority');
  const token = await ctx.store.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', tokenId)
    .executeTakeFirst();
  // Someone else's token is "not found", so ids cannot be probed.
  if (!token || (token.user_id !== a.userId && a.role !== 'authority')) throw notFound(`token ${tokenId}`);
  if (token.revoked_at) return;
  const now = ctx.clock();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', tokenId)
      .execute();
    await recordAudit(trx, now, {
      actor: a.userId,
      action: 'token.revoked',
      subjectType: 'api_token',
      subjectId: tokenId,
      before: { revokedAt: null },
      after: { revokedAt: now.toISOString() },
    });
  });
}

/** Resolves a bearer token to an actor, or null when it is unknown, revoked, expired or its user disabled. */
export async function authenticateToken(
  db: Kysely<Database>,
  secret: string,
  now: Date,
): Promise<Actor | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.scopes',
      'api_tokens.revoked_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
    ])
    .where('api_tokens.token_hash', '=', sha256(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled_at) return null;
  if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime()) return null;
  // Record use at most once a minute: a busy machine client must not turn every read into a write.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.token_id)
      .execute();
  }
  return actorFor(row, 'token', JSON.parse(row.scopes) as Scope[]);
}

export async function getUser(db: Kysely<Database>, id: string) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!user) throw notFound(`user ${id}`);
  return user;
}

/** Assessors declare their links (past employment, holdings, consulting) so assignment can refuse conflicts. */
export async function declareAssessorLink(
  ctx: Context,
  actor: Actor | null,
  input: { entityName: string; registrationValue?: string; note?: string },
) {
  const a = authorize(actor, 'write', 'assessor');
  if (!input.entityName.trim())
    throw invalid('entity name required', [{ path: '$.entityName', message: 'must not be empty' }]);
  const now = ctx.clock();
  const row = {
    id: randomUUID(),
    user_id: a.userId,
    entity_name: input.entityName.trim(),
    registration_value: input.registrationValue ?? null,
    note: input.note ?? null,
    declared_at: now.toISOString(),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('assessor_links').values(row).execute();
    await recordAudit(trx, now, {
      actor: a.userId,
      action: 'assessor.link-declared',
      subjectType: 'user',
      subjectId: a.userId,
      after: row,
    });
  });
  return {
    id: row.id,
    entityName: row.entity_name,
    registrationValue: row.registration_value,
    note: row.note,
    declaredAt: row.declared_at,
  };
}
