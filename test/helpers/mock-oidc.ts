/**
 * An OpenID Connect provider for tests: node:http on 127.0.0.1 (an ephemeral port), one registered client.
 * `/authorize` approves at once as `idp.user` (or answers `idp.denyWith` as an error); `/token` checks the
 * client's secret, the code, the redirect URI and the PKCE verifier, as a real provider would, and returns an
 * ES256 ID token whose keys `/jwks` publishes. It is strict so the client under test has to be right.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface MockUser {
  sub: string;
  email?: string;
  /** Some providers send the string "true"; the service must only accept the boolean. */
  email_verified?: boolean | string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: MockUser;
}

export interface MockIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next /authorize approves. */
  user: MockUser;
  /** When set, /authorize answers with this OAuth error instead of a code. */
  denyWith: string | undefined;
  /** When set, rewrites the ID token's claims before signing (a provider gone wrong, or a forger). */
  forge: ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Token requests answered, and refused with their reason. */
  tokenRequests: Array<{ ok: boolean; reason?: string }>;
  close(): Promise<void>;
}

export async function startMockIdp(options: {
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
}): Promise<MockIdp> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  let issuer = '';

  const idp: MockIdp = {
    issuer: '',
    clientId: options.clientId ?? 'confiance-test',
    clientSecret: options.clientSecret ?? randomBytes(16).toString('hex'),
    user: { sub: 'nobody' },
    denyWith: undefined,
    forge: undefined,
    tokenRequests: [],
    close: async () => {},
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  };

  const authorize = (url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    // Errors about the client or the redirect URI are shown to the person, never sent to an unchecked URI.
    if (q.get('client_id') !== idp.clientId) return json(res, 400, { error: 'invalid_client' });
    if (q.get('redirect_uri') !== options.redirectUri)
      return json(res, 400, { error: 'invalid_request', error_description: 'redirect_uri' });
    const back = new URL(options.redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string) => {
      back.searchParams.set('error', error);
      res.writeHead(302, { location: back.href }).end();
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!q.get('scope')?.split(' ').includes('openid')) return fail('invalid_scope');
    const challenge = q.get('code_challenge');
    if (q.get('code_challenge_method') !== 'S256' || !challenge) return fail('invalid_request');
    if (idp.denyWith) return fail(idp.denyWith);
    const code = randomBytes(16).toString('base64url');
    codes.set(code, {
      clientId: idp.clientId,
      redirectUri: options.redirectUri,
      challenge,
      nonce: q.get('nonce') ?? undefined,
      user: { ...idp.user },
    });
    back.searchParams.set('code', code);
    res.writeHead(302, { location: back.href }).end();
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const refuse = (status: number, error: string, reason: string) => {
      idp.tokenRequests.push({ ok: false, reason });
      json(res, status, { error });
    };
    // client_secret_basic or client_secret_post, as advertised.
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, pw] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map(decodeURIComponent);
      clientId = id ?? null;
      secret = pw ?? null;
    }
    if (clientId !== idp.clientId || secret !== idp.clientSecret)
      return refuse(401, 'invalid_client', 'client authentication');
    if (form.get('grant_type') !== 'authorization_code')
      return refuse(400, 'unsupported_grant_type', 'grant type');
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    codes.delete(code); // single use, even when the request fails
    if (!issued) return refuse(400, 'invalid_grant', 'unknown or used code');
    if (form.get('redirect_uri') !== issued.redirectUri) return refuse(400, 'invalid_grant', 'redirect_uri');
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
      return refuse(400, 'invalid_grant', 'PKCE verifier');
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: issuer,
      aud: idp.clientId,
      iat: now,
      exp: now + 300,
      ...issued.user,
      ...(issued.nonce ? { nonce: issued.nonce } : {}),
    };
    const idToken = await new SignJWT(idp.forge ? idp.forge(claims) : claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(privateKey);
    idp.tokenRequests.push({ ok: true });
    json(res, 200, {
      access_token: randomBytes(16).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
      scope: 'openid email',
    });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: ['openid', 'email'],
        claims_supported: ['sub', 'email', 'email_verified'],
      });
    }
    if (route === 'GET /authorize') return authorize(url, res);
    if (route === 'POST /token') {
      token(req, res).catch((error: unknown) =>
        json(res, 500, { error: 'server_error', error_description: String(error) }),
      );
      return;
    }
    if (route === 'GET /jwks') return json(res, 200, { keys: [jwk] });
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp.issuer = issuer;
  idp.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return idp;
}
