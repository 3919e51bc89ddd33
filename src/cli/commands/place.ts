/**
 * `confiance place`: may this class of data go on this offer, in this region? Online, the authority answers
 * and signs a receipt (checked here against its DID document before it is shown); offline, the decision is
 * made locally from a signed registry snapshot and says it is unsigned. `confiance place verify` checks a
 * receipt with nothing but the issuer's DID document.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DidDocument } from '../../credentials/types.js';
import { buildReceipt, type PlacementReceipt, verifyPlacementReceipt } from '../../placement/receipt.js';
import type { Lang } from '../../placement/types.js';
import { loadRegionCatalogue } from '../../regions/catalogue.js';
import { MAX_LIMIT, placementTarget, QuestionError } from '../../regions/target.js';
import { formatSealGate, parseSealGate, type SealGate, SealGateError } from '../../sovereignty/gate.js';
import { shippedObjectives } from '../../sovereignty/profile.js';
import { CliError, EXIT } from '../errors.js';
import { fetchText, openRegistrySource, readBounded, serverBase } from '../placement-source.js';
import { colourEnabled, type Style, style, wrap } from '../render.js';
import { parseLang } from '../shared.js';

interface PlaceOptions {
  class: string;
  offer?: string;
  region?: string;
  provider?: string;
  limit?: string;
  lang: string;
  json?: boolean;
  server?: string;
  token?: string;
  snapshot?: string;
  did?: string;
  referential?: string;
  receipt?: string;
  seal?: string;
}

export function register(program: Command): void {
  const place = program
    .command('place')
    .description('Placement decisions: may a class of data go on an offer, in a region (signed receipts)');
  place
    .command('decide', { isDefault: true })
    .description('Decide (the default: `confiance place --class sensitive …`)')
    .requiredOption('--class <id>', 'data class: public, internal, personal, health, sensitive, or your own')
    .option('--offer <id>', 'a labelled offer (omit to list the eligible offers, best first)')
    .option('--region <code>', "a region: the offer's, or the cloud provider's with --provider")
    .option(
      '--provider <id>',
      'cloud provider of --region: aws, azure, google, ovhcloud, outscale, scaleway…',
    )
    .option('--limit <n>', `how many eligible offers to list (at most ${MAX_LIMIT})`)
    .option(
      '--seal <gate>',
      'EU Cloud Sovereignty Framework gate: minimum proven SEAL per objective, e.g. SOV-2:3,SOV-3:3',
    )
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--json', 'print the receipt (and its JWS) as JSON')
    .option('--server <url>', 'label authority to ask (default: $CONFIANCE_SERVER); answers are signed')
    .option('--token <token>', "API token, to use your organisation's classes (default: $CONFIANCE_TOKEN)")
    .option('--snapshot <file>', 'decide offline from a signed registry snapshot (unsigned answer)')
    .option('--did <file>', "the issuer's DID document, to check the snapshot's signature")
    .option('--referential <file>', 'the referential version the snapshot names, if not shipped here')
    .option('--receipt <file>', 'write the signed receipt (compact JWS) to this file')
    .action((options: PlaceOptions) => runPlace(options));
  place
    .command('verify')
    .description('Verify a placement receipt offline with the issuer DID document, and show what it says')
    .argument('<receipt>', 'the receipt file (compact JWS)')
    .option('--did <file>', "the issuer's DID document (did.json)")
    .option('--server <url>', 'fetch the DID document from this label authority instead')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--json', 'print the verification result as JSON')
    .action((file: string, options: { did?: string; server?: string; json?: boolean; lang: string }) =>
      runVerify(file, options),
    );
}

async function runPlace(options: PlaceOptions): Promise<void> {
  const lang = parseLang(options.lang);
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new CliError('invalid --limit', EXIT.badInput, [
        { path: '--limit', message: `1 to ${MAX_LIMIT}` },
      ]);
  }
  const gate = options.seal === undefined ? undefined : parseGate(options.seal);
  const server = options.server ?? (options.snapshot ? undefined : process.env.CONFIANCE_SERVER);
  const token = options.token ?? process.env.CONFIANCE_TOKEN;
  const question = {
    class: options.class,
    ...(options.offer !== undefined ? { offer: options.offer } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(gate ? { seal: formatSealGate(gate) } : {}),
  };
  let receipt: PlacementReceipt;
  let jws: string | undefined;
  if (server !== undefined && options.snapshot === undefined) {
    const base = serverBase(server);
    const body = await postJson(`${base}/v1/placement/decisions`, { ...question, lang }, token);
    const answer = parse(body);
    const did = JSON.parse(await fetchText(`${base}/.well-known/did.json`)) as DidDocument;
    const checked = await verifyPlacementReceipt(answer.jws, did);
    if (!checked.valid)
      throw new CliError(`the server's receipt does not verify (${checked.code})`, EXIT.failure, [
        { path: 'receipt', message: checked.reason },
      ]);
    receipt = checked.receipt;
    jws = answer.jws;
  } else {
    if (options.receipt)
      throw new CliError('an offline decision has no signed receipt', EXIT.badInput, [
        { path: '--receipt', message: 'ask a server (--server) for a signed receipt' },
      ]);
    const now = new Date();
    const source = await openRegistrySource(options, now);
    const cls = source.classes.find((c) => c.id === options.class);
    if (!cls)
      throw new CliError(`unknown data class "${options.class}"`, EXIT.badInput, [
        { path: '--class', message: `one of: ${source.classes.map((c) => c.id).join(', ')}` },
      ]);
    let targeted: ReturnType<typeof placementTarget>;
    try {
      targeted = placementTarget(loadRegionCatalogue(), source.engine, question);
    } catch (err) {
      if (err instanceof QuestionError)
        throw new CliError(
          err.message,
          EXIT.badInput,
          err.details.map((d) => ({ path: d.path.replace('$.', '--'), message: d.message })),
        );
      throw err;
    }
    receipt = buildReceipt({
      id: 'unsigned',
      issuer: source.snapshot.issuer,
      issuedAt: now,
      lang,
      question: {
        dataClass: cls.id,
        ...(options.offer !== undefined ? { offer: options.offer } : {}),
        ...(options.region !== undefined ? { region: options.region } : {}),
        ...(options.provider !== undefined ? { provider: options.provider } : {}),
      },
      dataClass: cls,
      // A snapshot without SEAL profiles leaves every offer's SEAL unproven: the gate then refuses.
      decision: source.engine.decide(cls, targeted.target, gate),
      engine: source.engine,
      referential: source.referential,
      registry: { version: `snapshot ${source.snapshot.generatedAt}`, asOf: source.snapshot.generatedAt },
      checkpoint: null,
      ...(targeted.location ? { location: targeted.location } : {}),
      ...(gate ? { seal: gate } : {}),
    });
  }
  if (options.receipt && jws) writeFileSync(options.receipt, `${jws}\n`);
  if (options.json)
    process.stdout.write(
      `${JSON.stringify({ signed: jws !== undefined, receipt, ...(jws ? { jws } : {}) }, null, 2)}\n`,
    );
  else process.stdout.write(renderReceipt(receipt, lang, jws !== undefined));
  process.exitCode = receipt.outcome === 'allowed' ? EXIT.ok : EXIT.negative;
}

/** `--seal SOV-2:3,SOV-3:3` against the shipped framework's objectives; bad input exits 2. */
export function parseGate(text: string): SealGate | undefined {
  try {
    const gate = parseSealGate(text, shippedObjectives(), '--seal');
    return gate.length > 0 ? gate : undefined;
  } catch (err) {
    if (err instanceof SealGateError) throw new CliError('invalid --seal', EXIT.badInput, err.issues);
    throw err;
  }
}

async function postJson(url: string, body: unknown, token: string | undefined): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach ${url}: ${(err as Error).message}`, EXIT.failure);
  }
  const text = await response.text();
  if (response.ok) return text;
  let error: { message?: string; details?: Array<{ path: string; message: string }> } = {};
  try {
    error = JSON.parse(text);
  } catch {
    // not our error shape
  }
  throw new CliError(
    `the server refused the question (${response.status}): ${error.message ?? text.slice(0, 200)}`,
    response.status < 500 ? EXIT.badInput : EXIT.failure,
    (error.details ?? []).map((d) => ({ path: d.path.replace('$.', '--'), message: d.message })),
  );
}

function parse(body: string): { jws: string } {
  try {
    const parsed = JSON.parse(body) as { jws?: unknown };
    if (typeof parsed.jws === 'string') return { jws: parsed.jws };
  } catch {
    // fall through
  }
  throw new CliError('the server answered something that is not a placement decision', EXIT.failure);
}

const T = {
  allowed: { fr: 'autorisé', en: 'allowed' },
  denied: { fr: 'refusé', en: 'denied' },
  offer: { fr: 'offre', en: 'offer' },
  region: { fr: 'région', en: 'region' },
  eligible: {
    fr: 'offres et régions éligibles, les meilleures d’abord',
    en: 'eligible offers and regions, best first',
  },
  of: { fr: 'sur', en: 'of' },
  unsigned: {
    fr: 'décision locale, non signée, d’après l’instantané signé du registre du',
    en: 'local decision, unsigned, from the signed registry snapshot of',
  },
  signed: { fr: 'reçu signé', en: 'signed receipt' },
  by: { fr: 'par', en: 'by' },
  referential: { fr: 'référentiel', en: 'referential' },
  noOffer: { fr: 'aucune offre labellisée', en: 'no labelled offer' },
  seal: { fr: 'minimum SEAL prouvé exigé :', en: 'proven SEAL minimum required:' },
} as const;

export function renderReceipt(r: PlacementReceipt, lang: Lang, signed: boolean): string {
  const s = style(colourEnabled(process.stdout));
  const width = Math.min(process.stdout.columns ?? 100, 120);
  const ok = r.outcome === 'allowed';
  const out: string[] = [];
  out.push(
    `${(ok ? s.green : s.red)(s.bold(`${ok ? '✔' : '✘'} ${T[r.outcome][lang]}`))} — ${r.dataClass.title} (${r.dataClass.id})`,
  );
  if (r.location) {
    const where = [r.location.provider, r.location.code, r.location.city, r.location.countries.join('/')]
      .filter(Boolean)
      .join(' · ');
    out.push(s.dim(`  ${T.region[lang]} ${where}`));
  }
  if (r.question.seal) out.push(s.dim(`  ${T.seal[lang]} ${r.question.seal}`));
  const listing =
    r.question.offer === undefined && r.question.region === undefined && r.question.provider === undefined;
  if (listing) {
    out.push('', s.bold(`${T.eligible[lang]} (${r.candidates.length} ${T.of[lang]} ${r.eligible ?? 0})`));
    for (const c of r.candidates) out.push(`  ${candidateLine(r, c, s)}`);
  } else {
    const best = r.candidates[0];
    if (best) out.push(`  ${candidateLine(r, best, s)}`);
    for (const reason of r.reasons) out.push(reasonLine(reason, lang, width, s));
    const others = r.candidates.slice(1);
    if (others.length > 0) {
      out.push('');
      for (const c of others) out.push(`  ${candidateLine(r, c, s)}`);
    }
  }
  out.push('');
  out.push(
    s.dim(
      `${T.referential[lang]} ${r.referential.id} ${r.referential.version} · ` +
        (signed
          ? `${T.signed[lang]} ${r.id} ${T.by[lang]} ${r.issuer}`
          : `${T.unsigned[lang]} ${r.registry.asOf}`),
    ),
  );
  return `${out.join('\n')}\n`;
}

function candidateLine(r: PlacementReceipt, c: PlacementReceipt['candidates'][number], s: Style): string {
  const label = r.reliedOn.find((l) => l.offer.id === c.offer);
  const where = [c.region.code, c.region.city, c.region.countries.join('/')].filter(Boolean).join(', ');
  const mark = c.allowed ? s.green('✔') : s.red('✘');
  if (!label) return `${mark} ${s.dim(T.noOffer[r.lang])} — ${where}`;
  return `${mark} ${s.bold(label.offer.name)} (${label.offer.id}) — ${label.provider.name} · ${label.level}${label.state === 'active' ? '' : ` · ${label.state}`} — ${where}`;
}

const REQUIREMENTS: Record<string, Record<Lang, string>> = {
  offer: { fr: 'offre', en: 'offer' },
  region: { fr: 'région', en: 'region' },
  label: { fr: 'label', en: 'label' },
  territory: { fr: 'territoire', en: 'territory' },
  certification: { fr: 'certification', en: 'certification' },
  sovereignty: { fr: 'souveraineté', en: 'sovereignty' },
};

function reasonLine(
  reason: PlacementReceipt['reasons'][number],
  lang: Lang,
  width: number,
  s: Style,
): string {
  const name = REQUIREMENTS[reason.requirement]?.[lang] ?? reason.requirement;
  const head = `    ${reason.status === 'pass' ? s.green('✔') : s.red('✘')} ${name.padEnd(13)} `;
  return head + wrap(reason.text, width, 20);
}

async function runVerify(
  file: string,
  options: { did?: string; server?: string; json?: boolean; lang: string },
): Promise<void> {
  const lang = parseLang(options.lang);
  const jws = readBounded(file, 4 * 1024 * 1024, '<receipt>').trim();
  let did: DidDocument;
  if (options.did !== undefined) {
    try {
      did = JSON.parse(readBounded(options.did, 1024 * 1024, '--did')) as DidDocument;
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError('--did is not valid JSON', EXIT.badInput, [
        { path: '--did', message: (err as Error).message },
      ]);
    }
  } else if (options.server !== undefined) {
    did = JSON.parse(await fetchText(`${serverBase(options.server)}/.well-known/did.json`)) as DidDocument;
  } else {
    throw new CliError('give the issuer DID document', EXIT.badInput, [
      { path: '--did', message: 'did.json (offline)' },
      { path: '--server', message: 'or the label authority to fetch it from' },
    ]);
  }
  const result = await verifyPlacementReceipt(jws, did);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.valid) {
    const s = style(colourEnabled(process.stdout));
    const r = result.receipt;
    const lines = [
      s.green(s.bold(lang === 'fr' ? 'reçu valide' : 'valid receipt')),
      `${lang === 'fr' ? 'émis par' : 'issued by'} ${r.issuer} (${result.kid}) ${lang === 'fr' ? 'le' : 'on'} ${r.issuedAt}`,
      `${lang === 'fr' ? 'question' : 'question'}: ${JSON.stringify(r.question)}`,
      '',
      renderReceipt(r, r.lang, true).trimEnd(),
      '',
      lang === 'fr' ? 'Labels sur lesquels la réponse s’appuie :' : 'Labels the answer relied on:',
      ...r.reliedOn.map(
        (l) =>
          `  ${l.labelId} ${l.offer.id} ${l.level} (${l.state}) — revocation ${l.status.revocation.list}#${l.status.revocation.index}, suspension ${l.status.suspension.list}#${l.status.suspension.index}`,
      ),
      r.log ? s.dim(`log checkpoint: ${r.log.checkpoint.split('\n').slice(0, 2).join(' · ')}`) : '',
    ];
    process.stdout.write(`${lines.filter((l, i) => l !== '' || i < lines.length - 1).join('\n')}\n`);
  } else {
    process.stdout.write(
      `${style(colourEnabled(process.stdout)).red('invalid receipt')} (${result.code}): ${result.reason}\n`,
    );
  }
  process.exitCode = result.valid ? EXIT.ok : EXIT.negative;
}
