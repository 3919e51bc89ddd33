/** The public shape of a registry entry, shared by search, provider pages, exports and the snapshot. */
import type { RegistryOfferTable } from '../../store/schema.js';
import type { Context } from '../context.js';
import { publicState, statusListUrl } from '../labels.js';
import type { RegistryCertification, RegistryRegion } from './refresh.js';

export function registryLinks(
  ctx: Context,
  row: Pick<RegistryOfferTable, 'offer_id' | 'provider_id' | 'label_id'>,
) {
  const origin = ctx.issuer.origin;
  const label = `${origin}/v1/labels/${encodeURIComponent(row.label_id)}`;
  return {
    self: `${origin}/v1/registry/offers/${encodeURIComponent(row.offer_id)}`,
    provider: `${origin}/v1/registry/providers/${encodeURIComponent(row.provider_id)}`,
    label,
    credential: `${label}/credential`,
  };
}

export function statusEntries(ctx: Context, row: RegistryOfferTable) {
  return {
    revocation: { list: statusListUrl(ctx, row.revocation_list), index: Number(row.revocation_index) },
    suspension: { list: statusListUrl(ctx, row.suspension_list), index: Number(row.suspension_index) },
  };
}

export function presentEntry(ctx: Context, row: RegistryOfferTable, now: Date) {
  return {
    offer: { id: row.offer_id, name: row.offer_name, serviceModel: row.service_model },
    provider: {
      id: row.provider_id,
      name: row.provider_name,
      registration:
        row.registration_scheme && row.registration_value
          ? { scheme: row.registration_scheme, value: row.registration_value }
          : null,
    },
    labelId: row.label_id,
    credentialDigest: row.credential_digest,
    level: row.level,
    state: publicState(row, now),
    stateReason: row.state_reason,
    flagged: row.flagged_at ? { at: row.flagged_at, reason: row.flag_reason } : null,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    regions: JSON.parse(row.regions) as RegistryRegion[],
    countries: JSON.parse(row.countries) as string[],
    certifications: JSON.parse(row.certifications) as RegistryCertification[],
    links: registryLinks(ctx, row),
  };
}

export type RegistryItem = ReturnType<typeof presentEntry>;
