/**
 * Logging people in with an OpenID Connect provider (authorization code flow, PKCE S256, state, nonce).
 *
 * Least privilege: nobody is created here. An identity (issuer, subject) logs in as the account it is
 * linked to; on its first login it is linked to the existing, active account whose email it carries, and
 * only when the provider says that email is verified. Accounts themselves are created by the authority.
 *
 * A login in progress lives in `oidc_flows`, keyed by the digest of a random handle that the adapter keeps
 * in an HttpOnly cookie: only the browser that started a login can finish it (no login CSRF), every server
 * process sees the same flows, and a flow is consumed by its callback so it cannot be replayed.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Config } from '../config.js';
import type { UserTable } from '../store/schema.js';
import { recordAudit } from './audit.js';
import type { Context } from './context.js';
import { invalid, unauthenticated } from './errors.js';

export type OidcSettings = NonNullable<Config['oidc']>;

/** How long a person has to come back from the provider; long enough for a password and a second factor. */
export const OIDC_FLOW_TTL_SECONDS = 10 * 60;

interface OidcFlowTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: string;
  expires_at: string;
}

// The flows table is private to this module, so its type stays here rather than in the shared schema.
const flows = (ctx: Context) => ctx.store.db.withTables<{ oidc_flows: OidcFlowTable }>();

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The relying party: settings checked once, the provider's metadata discovered on first use and kept.
 * Discovery is lazy so a provider that is down does not stop the service from starting (password login and
 * the public registry keep working); a failed discovery is retried by the next login.
 */
export interface OidcClient {
  readonly settings: OidcSettings;
  configuration(): Promise<client.Configuration>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let issuer: URL;
  try {
    issuer = new URL(settings.issuer);
    new URL(settings.redirectUri);
  } catch {
    throw new Error('OIDC_ISSUER and OIDC_REDIRECT_URI must be absolute URLs');
  }
  if (!settings.clientId) throw new Error('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
  // Plain HTTP to the provider would let anyone on the path forge ID tokens; it is only tolerated on
  // loopback, where the test provider and a developer's local provider run.
  const insecure = issuer.protocol === 'http:';
  if (insecure && !LOOPBACK.has(issuer.hostname))
    throw new Error('OIDC_ISSUER must be https (http only on loopback)');
  if (issuer.protocol !== 'https:' && !insecure) throw new Error('OIDC_ISSUER must be an https URL');

  let pending: Promise<client.Configuration> | undefined;
  return {
    settings,
    configuration() {
      pending ??= client
        .discovery(
          issuer,
          settings.clientId,
          settings.clientSecret || undefined,
          // No secret configured: a public client, protected by PKCE alone.
          settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None(),
          { timeout: 10, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
        )
        .catch((error: unknown) => {
          pending = undefined;
          throw providerUnavailable('discovery', error);
        });
      return pending;
    },
  };
}

/**
 * Where to send the person after login: only a path on this service. Anything that a browser could read as
 * another origin ("https://…", "//host", "/\host", control characters) is refused, so a link to our login
 * cannot be used to bounce people, freshly authenticated, to someone else's page (open redirect).
 */
export function safeReturnTo(raw: string | undefined, publicUrl: string): string {
  if (raw === undefined || raw === '') return '/';
  const refuse = () =>
    invalid('invalid returnTo', [
      { path: 'querystring.returnTo', message: 'must be a path on this service, e.g. /registry' },
    ]);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) throw refuse();
  const base = new URL(publicUrl);
  const url = new URL(raw, base);
  if (url.origin !== base.origin) throw refuse();
  return url.pathname + url.search + url.hash;
}

export interface StartedLogin {
  /** The provider's authorization endpoint with every parameter of this login. */
  authorizationUrl: string;
  /** Goes into an HttpOnly cookie; the database only keeps its digest. */
  flowSecret: string;
  maxAgeSeconds: number;
}

export async function startOidcLogin(
  ctx: Context,
  oidc: OidcClient,
  returnTo: string | undefined,
): Promise<StartedLogin> {
  const target = safeReturnTo(returnTo, ctx.config.publicUrl);
  const config = await oidc.configuration();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.settings.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const flowSecret = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const db = flows(ctx);
  // Abandoned logins are swept here rather than by a timer: it is the only place that adds rows.
  await db.deleteFrom('oidc_flows').where('expires_at', '<=', now.toISOString()).execute();
  await db
    .insertInto('oidc_flows')
    .values({
      id_hash: digest(flowSecret),
      state,
      nonce,
      code_verifier: verifier,
      return_to: target,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + OIDC_FLOW_TTL_SECONDS * 1000).toISOString(),
    })
    .execute();
  return { authorizationUrl: authorizationUrl.href, flowSecret, maxAgeSeconds: OIDC_FLOW_TTL_SECONDS };
}

/**
 * Finishes a login: checks the provider's answer against the flow this browser started, exchanges the code,
 * verifies the ID token (signature, issuer, audience, expiry, nonce; all by openid-client) and finds or links
 * the account. `callbackQuery` is the raw query string the provider sent the browser back with.
 */
export async function finishOidcLogin(
  ctx: Context,
  oidc: OidcClient,
  flowSecret: string | undefined,
  callbackQuery: string,
): Promise<{ user: UserTable; returnTo: string }> {
  const restart = 'no login in progress in this browser, or it expired; start again';
  if (!flowSecret) throw invalid(restart);
  // Consumed before anything else: whatever happens next, this flow cannot be used a second time.
  const flow = await flows(ctx)
    .deleteFrom('oidc_flows')
    .where('id_hash', '=', digest(flowSecret))
    .returningAll()
    .executeTakeFirst();
  if (!flow || new Date(flow.expires_at).getTime() <= ctx.clock().getTime()) throw invalid(restart);

  const params = new URLSearchParams(callbackQuery);
  // openid-client checks the state too; checking it first gives the person a clear reason.
  if (params.get('state') !== flow.state)
    throw unauthenticated('the login response does not belong to the login started in this browser');
  const providerError = params.get('error');
  if (providerError !== null) {
    throw unauthenticated(
      `the identity provider did not log you in (${/^[\w.-]{1,64}$/.test(providerError) ? providerError : 'error'})`,
    );
  }

  const config = await oidc.configuration();
  const currentUrl = new URL(oidc.settings.redirectUri);
  currentUrl.search = params.toString();
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    throw rejectedOrUnavailable(error);
  }
  if (!claims) throw unauthenticated('the identity provider returned no ID token');
  return { user: await accountFor(ctx, claims), returnTo: flow.return_to };
}

/** The account an identity logs in as: the one linked to it, or, on its first login, the one it is linked to now. */
async function accountFor(ctx: Context, claims: client.IDToken): Promise<UserTable> {
  const { iss, sub } = claims;
  const linked = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('oidc_issuer', '=', iss)
    .where('oidc_subject', '=', sub)
    .executeTakeFirst();
  if (linked) {
    if (linked.disabled_at) throw unauthenticated('this account is disabled');
    return linked;
  }

  // A provider may let people type any address; only one it has verified proves they own the account's email.
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined;
  if (!email)
    throw unauthenticated('no account is linked to this identity and the identity provider gave no email');
  if (claims.email_verified !== true)
    throw unauthenticated(
      'no account is linked to this identity and its email is not verified by the identity provider',
    );
  const user = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user || user.disabled_at)
    throw unauthenticated(`no active account for ${email}; accounts are created by the authority`);
  // Once linked, an account follows its subject, not its email: a second identity showing the same email
  // (a new account at the provider, a recycled address) does not take it over.
  if (user.oidc_subject !== null)
    throw unauthenticated(`the account for ${email} is linked to another identity; ask the authority`);

  const now = ctx.clock();
  await ctx.store.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('users')
      .set({ oidc_issuer: iss, oidc_subject: sub })
      .where('id', '=', user.id)
      .where('oidc_subject', 'is', null)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    // Another login linked it meanwhile: refuse rather than overwrite.
    if (Number(updated.numUpdatedRows) !== 1)
      throw unauthenticated(`the account for ${email} is linked to another identity; ask the authority`);
    await recordAudit(trx, now, {
      actor: user.id,
      action: 'user.oidc-linked',
      subjectType: 'user',
      subjectId: user.id,
      before: { oidcIssuer: null, oidcSubject: null },
      after: { oidcIssuer: iss, oidcSubject: sub, email },
    });
  });
  return { ...user, oidc_issuer: iss, oidc_subject: sub };
}

/** Protocol failures of the provider's answer are the caller's 401; anything else means we could not talk to it. */
function rejectedOrUnavailable(error: unknown): Error {
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    return unauthenticated(
      `the identity provider refused the login (${/^[\w.-]{1,64}$/.test(error.error) ? error.error : 'error'})`,
    );
  }
  if (error instanceof client.ClientError && error.code && REJECTED.has(error.code)) {
    return unauthenticated('the login response from the identity provider could not be verified');
  }
  return providerUnavailable('token exchange', error);
}

// openid-client (oauth4webapi) codes that mean "the answer is wrong", as opposed to "no usable answer".
const REJECTED = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  'OAUTH_PARSE_ERROR',
]);

/**
 * A plain error (answered 500, logged by the API) that names the step and the failure's kind, but carries
 * no cause: the library's errors can hold response objects, and the log must not receive tokens or codes.
 */
function providerUnavailable(step: string, error: unknown): Error {
  const kind =
    error instanceof Error
      ? `${error.name}${(error as { code?: unknown }).code ? ` ${String((error as { code?: unknown }).code)}` : ''}: ${error.message}`
      : 'unknown error';
  return new Error(`OpenID Connect ${step} with the identity provider failed (${kind})`);
}
