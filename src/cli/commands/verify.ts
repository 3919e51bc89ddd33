import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DidDocument, VerifyLabelResult } from '../../credentials/verify.js';
import { type InclusionBundle, verifyLabelOffline } from '../../verifier.js';
import { CliError, EXIT } from '../errors.js';
import { colourEnabled, style } from '../render.js';

interface VerifyOptions {
  offline?: boolean;
  server?: string;
  did?: string;
  status?: string[];
  checkpoint?: string;
  inclusion?: string;
  issuer?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('Verify a label credential: signature, issuer key, validity, status lists, log inclusion')
    .argument('<label>', 'the label credential file (compact JWT), or - for standard input')
    .option('--offline', 'use only local files (--did, --status, --inclusion, --checkpoint)')
    .option(
      '--server <url>',
      'label authority to fetch the DID document, status lists and log proof from (default: the issuer)',
    )
    .option('--did <file>', 'issuer DID document (did.json)')
    .option('--status <file>', 'a status list credential file; give it once per list', collect, [])
    .option('--inclusion <file>', "the label's inclusion bundle (GET /v1/labels/:id/inclusion)")
    .option(
      '--checkpoint <file>',
      'a signed checkpoint to check the inclusion against (default: the one in the bundle)',
    )
    .option('--issuer <did>', 'refuse labels from any other issuer')
    .option('--json', 'print the full result as JSON')
    .action(async (label: string, options: VerifyOptions) => {
      const token = readText(label === '-' ? 0 : label, '<label>').trim();
      const result = options.offline
        ? await verifyOffline(token, options)
        : await verifyOnline(token, options);
      if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(render(result));
      process.exitCode = result.status === 'valid' ? EXIT.ok : EXIT.negative;
    });
}

function collect(value: string, previous: string[]) {
  return [...previous, value];
}

function readText(path: string | 0, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.badInput, [
      { path: what, message: String(path === 0 ? 'stdin' : path) },
    ]);
  }
}

function readJson<T>(path: string, what: string): T {
  const text = readText(path, what);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CliError(`${what} is not valid JSON`, EXIT.badInput, [
      { path, message: (err as Error).message },
    ]);
  }
}

async function verifyOffline(token: string, options: VerifyOptions): Promise<VerifyLabelResult> {
  if (!options.did)
    throw new CliError('--offline needs --did <did.json>', EXIT.badInput, [
      { path: '--did', message: 'required offline' },
    ]);
  const didDocument = readJson<DidDocument>(options.did, '--did');
  const statusLists = (options.status ?? []).map((f) => readText(f, '--status').trim());
  let inclusion: InclusionBundle | undefined;
  if (options.inclusion) inclusion = readJson<InclusionBundle>(options.inclusion, '--inclusion');
  if (options.checkpoint) {
    const checkpoint = readText(options.checkpoint, '--checkpoint');
    if (!inclusion) {
      throw new CliError('--checkpoint needs --inclusion (the entry and its proof)', EXIT.badInput, [
        { path: '--inclusion', message: 'required with --checkpoint' },
      ]);
    }
    inclusion = { ...inclusion, checkpoint };
  }
  return verifyLabelOffline(token, {
    didDocument,
    now: new Date(),
    ...(statusLists.length > 0 ? { statusLists } : {}),
    ...(inclusion ? { inclusion } : {}),
    ...(options.issuer ? { expectedIssuer: options.issuer } : {}),
  });
}

/** Online: fetch what an offline verifier needs from the authority, then verify locally all the same. */
async function verifyOnline(token: string, options: VerifyOptions): Promise<VerifyLabelResult> {
  const payload = decodePayload(token);
  const base = (options.server ?? originFromDid(String(payload?.issuer ?? ''))).replace(/\/+$/, '');
  const get = async (url: string, accept: string) => {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept } });
    } catch (err) {
      throw new CliError(`cannot reach ${url}: ${(err as Error).message}`, EXIT.failure);
    }
    if (!response.ok) throw new CliError(`${url} answered ${response.status}`, EXIT.failure);
    return response.text();
  };
  const didDocument = JSON.parse(
    await get(`${base}/.well-known/did.json`, 'application/did+json'),
  ) as DidDocument;
  const lists = new Set<string>();
  for (const entry of (payload?.credentialStatus as Array<{ statusListCredential?: string }> | undefined) ??
    []) {
    if (entry.statusListCredential) lists.add(rebase(entry.statusListCredential, base));
  }
  const statusLists = await Promise.all([...lists].map((url) => get(url, 'application/vc+jwt')));
  const id = String(payload?.id ?? '').replace(/^urn:uuid:/, '');
  let inclusion: InclusionBundle | undefined;
  if (id) {
    try {
      inclusion = JSON.parse(
        await get(`${base}/v1/labels/${encodeURIComponent(id)}/inclusion`, 'application/json'),
      ) as InclusionBundle;
    } catch {
      inclusion = undefined;
    }
  }
  return verifyLabelOffline(token, {
    didDocument,
    statusLists,
    now: new Date(),
    ...(inclusion ? { inclusion } : {}),
    ...(options.issuer ? { expectedIssuer: options.issuer } : {}),
  });
}

function decodePayload(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
}

function originFromDid(did: string): string {
  if (!did.startsWith('did:web:')) {
    throw new CliError(
      'cannot tell where the issuer publishes its keys; pass --server or --offline',
      EXIT.badInput,
      [{ path: 'issuer', message: did || 'absent or unreadable' }],
    );
  }
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  return `https://${decodeURIComponent(host ?? '')}${path.length ? `/${path.map(decodeURIComponent).join('/')}` : ''}`;
}

/** Status list URLs name the public origin; with --server they are fetched from that server instead. */
function rebase(url: string, base: string): string {
  try {
    const u = new URL(url);
    return `${base}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

function render(result: VerifyLabelResult): string {
  const s = style(colourEnabled(process.stdout));
  const ok = result.status === 'valid';
  const c = result.checks;
  const lines = [
    (ok ? s.green : s.red)(s.bold(result.status)),
    ...result.reasons.map((r) => `  - ${r}`),
    '',
    `issuer      ${c.issuer ?? '—'}`,
    `key         ${c.kid ?? '—'}${c.keyStatus ? ` (${c.keyStatus})` : ''}`,
    `signature   ${c.signature ? 'valid' : 'not verified'}`,
    `validity    ${c.validFrom ?? '—'} → ${c.validUntil ?? '—'}`,
    `revocation  ${statusLine(c.revocation)}`,
    `suspension  ${statusLine(c.suspension)}`,
    `log         ${c.log.checked ? (c.log.included ? `included (tree size ${c.log.treeSize})` : 'NOT included') : 'not checked'}`,
  ];
  if (result.credential) {
    const subject = result.credential.credentialSubject;
    lines.push('', `${subject.offer.name} — ${subject.provider.name}: level ${subject.level}`);
  }
  return lines.join('\n') + '\n';
}

function statusLine(check: { index: number | null; list: string | null; set: boolean | null }): string {
  if (check.set === null) return 'not checked';
  return `${check.set ? 'SET' : 'clear'} (index ${check.index} of ${check.list})`;
}
