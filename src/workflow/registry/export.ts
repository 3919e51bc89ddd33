/**
 * Whole-registry exports, produced as a stream of text chunks: rows are read in keyset batches, so the
 * memory used does not grow with the registry and the first bytes leave before the last rows are read.
 */
import { registryBatch } from '../../store/registry-repository.js';
import type { Context } from '../context.js';
import { presentEntry, type RegistryItem } from './present.js';

export type ExportFormat = 'json' | 'csv';
const BATCH = 1000;

export const CSV_COLUMNS = [
  'offerId',
  'offerName',
  'serviceModel',
  'providerId',
  'providerName',
  'registration',
  'level',
  'state',
  'validFrom',
  'validUntil',
  'regions',
  'countries',
  'certifications',
  'labelId',
  'credentialDigest',
  'flaggedAt',
] as const;

/**
 * RFC 4180: a field holding a comma, a double quote or a line break is quoted, quotes doubled. Offer and
 * provider names are written by providers and the export is opened in spreadsheets: a field that a
 * spreadsheet would take for a formula (=, +, -, @, tab, carriage return first) gets a leading
 * apostrophe, as OWASP advises against CSV injection.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function csvRecord(item: RegistryItem): string[] {
  const reg = item.provider.registration;
  return [
    item.offer.id,
    item.offer.name,
    item.offer.serviceModel,
    item.provider.id,
    item.provider.name,
    reg ? `${reg.scheme}:${reg.value}` : '',
    item.level,
    item.state,
    item.validFrom,
    item.validUntil,
    item.regions.map((r) => `${r.code} (${r.country}${r.city ? `, ${r.city}` : ''})`).join('; '),
    item.countries.join('; '),
    item.certifications.map((c) => `${c.scheme}:${c.status}`).join('; '),
    item.labelId,
    item.credentialDigest,
    item.flagged?.at ?? '',
  ];
}

async function* items(ctx: Context, now: Date): AsyncGenerator<RegistryItem> {
  let after: string | null = null;
  for (;;) {
    const rows = await registryBatch(ctx.store.db, after, BATCH);
    for (const row of rows) yield presentEntry(ctx, row, now);
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.offer_id;
  }
}

/** The export as text chunks, one per batch of rows. */
export async function* exportChunks(ctx: Context, format: ExportFormat, now: Date): AsyncGenerator<string> {
  let buffer =
    format === 'csv' ? csvLine(CSV_COLUMNS) : `{"generatedAt":${JSON.stringify(now.toISOString())},"items":[`;
  let first = true;
  let count = 0;
  for await (const item of items(ctx, now)) {
    if (format === 'csv') {
      buffer += csvLine(csvRecord(item));
    } else {
      buffer += `${first ? '' : ','}\n${JSON.stringify(item)}`;
      first = false;
    }
    if (++count % BATCH === 0) {
      yield buffer;
      buffer = '';
    }
  }
  if (format === 'json') buffer += '\n]}\n';
  yield buffer;
}
