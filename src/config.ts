/**
 * Service configuration: environment variables, optionally a JSON file named by CONFIANCE_CONFIG.
 * Environment variables win over the file; every value has a default that works on a laptop.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** Public origin the service is reached at; the issuer DID (did:web) derives from it. */
  publicUrl: string;
  dataDir: string;
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  keysDir: string;
  evidenceDir: string;
  /** Largest request body, in bytes (evidence uploads have their own limit). */
  bodyLimit: number;
  evidenceMaxBytes: number;
  evidenceMediaTypes: string[];
  /** Requests per minute for anonymous clients and for login attempts. */
  rateLimitAnonymous: number;
  rateLimitLogin: number;
  /** Load the sample declarations and labels into an empty database on start. */
  seedExamples: boolean;
  /** Transparency log origin line, e.g. `label.example/log`. */
  logOrigin: string;
  sessionTtlMinutes: number;
  oidc?: { issuer: string; clientId: string; clientSecret: string; redirectUri: string };
  logLevel: string;
}

const ENV: Record<keyof Omit<Config, 'oidc' | 'evidenceMediaTypes'>, string> = {
  host: 'HOST',
  port: 'PORT',
  publicUrl: 'CONFIANCE_PUBLIC_URL',
  dataDir: 'CONFIANCE_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  keysDir: 'CONFIANCE_KEYS_DIR',
  evidenceDir: 'CONFIANCE_EVIDENCE_DIR',
  bodyLimit: 'CONFIANCE_BODY_LIMIT',
  evidenceMaxBytes: 'CONFIANCE_EVIDENCE_MAX_BYTES',
  rateLimitAnonymous: 'CONFIANCE_RATE_LIMIT_ANONYMOUS',
  rateLimitLogin: 'CONFIANCE_RATE_LIMIT_LOGIN',
  seedExamples: 'CONFIANCE_SEED_EXAMPLES',
  logOrigin: 'CONFIANCE_LOG_ORIGIN',
  sessionTtlMinutes: 'CONFIANCE_SESSION_TTL_MINUTES',
  logLevel: 'LOG_LEVEL',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const file: Record<string, unknown> = env.CONFIANCE_CONFIG
    ? (JSON.parse(readFileSync(env.CONFIANCE_CONFIG, 'utf8')) as Record<string, unknown>)
    : {};
  const pick = (key: keyof typeof ENV): string | undefined => {
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const fromFile = file[key];
    return fromFile === undefined ? undefined : String(fromFile);
  };
  const int = (key: keyof typeof ENV, fallback: number) => {
    const raw = pick(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError(`${ENV[key]} must be a non-negative integer, got "${raw}"`);
    return n;
  };
  const bool = (key: keyof typeof ENV, fallback: boolean) => {
    const raw = pick(key);
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    throw new ConfigError(`${ENV[key]} must be true or false, got "${raw}"`);
  };
  const port = int('port', 8080);
  const host = pick('host') ?? '127.0.0.1';
  const dataDir = resolve(pick('dataDir') ?? 'data');
  const publicUrl = (pick('publicUrl') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  let publicHost: string;
  try {
    publicHost = new URL(publicUrl).host;
  } catch {
    throw new ConfigError(`CONFIANCE_PUBLIC_URL is not a URL: "${publicUrl}"`);
  }
  const oidcIssuer = env.OIDC_ISSUER ?? (file.oidcIssuer as string | undefined);
  const config: Config = {
    host,
    port,
    publicUrl,
    dataDir,
    databaseUrl: pick('databaseUrl') ?? resolve(dataDir, 'confiance.db'),
    keysDir: resolve(pick('keysDir') ?? resolve(dataDir, 'keys')),
    evidenceDir: resolve(pick('evidenceDir') ?? resolve(dataDir, 'evidence')),
    bodyLimit: int('bodyLimit', 1024 * 1024),
    evidenceMaxBytes: int('evidenceMaxBytes', 20 * 1024 * 1024),
    evidenceMediaTypes: ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'application/json'],
    rateLimitAnonymous: int('rateLimitAnonymous', 600),
    rateLimitLogin: int('rateLimitLogin', 10),
    seedExamples: bool('seedExamples', true),
    logOrigin: pick('logOrigin') ?? `${publicHost}/log`,
    sessionTtlMinutes: int('sessionTtlMinutes', 8 * 60),
    logLevel: pick('logLevel') ?? 'info',
    ...(oidcIssuer
      ? {
          oidc: {
            issuer: oidcIssuer,
            clientId: env.OIDC_CLIENT_ID ?? String(file.oidcClientId ?? ''),
            clientSecret: env.OIDC_CLIENT_SECRET ?? String(file.oidcClientSecret ?? ''),
            redirectUri: env.OIDC_REDIRECT_URI ?? `${publicUrl}/v1/auth/oidc/callback`,
          },
        }
      : {}),
    ...overrides,
  };
  return config;
}
