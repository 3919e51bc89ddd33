/**
 * From Gaia-X claims to a draft declaration (format v1). Only what a credential states is mapped, each
 * field with its provenance (credential, issuer, JSON path, property, signature status); what the format
 * requires but Gaia-X never says (the service model, sometimes the offer's name) gets a placeholder that
 * is listed as such. Everything else stays absent, so the evaluation reports `missing-data`.
 *
 * Mapping (22.10 `gx:` / 22.04 `gx-participant:`, `gx-service-offering:`):
 * - legal name → provider.name (and a derived provider.id); registration number → provider.registrationNumber;
 * - legal address country → provider.registeredOffice; headquarter address country → centralAdministration;
 * - service offering name, description → offer; a data export with a media type, or Label Level 1 P4.1.1
 *   confirmed → contract.reversibility.exportFormatsDocumented; Label Level 1 P1.2.5 confirmed →
 *   offer.locationDisclosure;
 * - physical resources the offering aggregates (or, without an offering, every one) → offer.regions.
 */
import { createHash } from 'node:crypto';
import { isCountryCode } from '../../declaration/countries.js';
import type { Declaration, Region } from '../../declaration/types.js';
import { formatPath, type PathSegment } from '../../util/source.js';
import { forEachItem, linkId, propertiesOf, propertyValue } from './checks.js';
import type { SignatureStatus } from './proof.js';
import { type GaiaxCredential, type GaiaxSubject, isObject } from './read.js';

export interface Provenance {
  /** JSON path of the field in the draft declaration. */
  field: string;
  value: unknown;
  /** Where the value comes from: the input JSON path, the property, and the credential. */
  source: { path: string; property: string; credential?: string; issuer?: string; vocabulary: string };
  signature: SignatureStatus;
  /** How the value was derived when it is not copied as is. */
  derived?: string;
}

export interface Placeholder {
  field: string;
  value: unknown;
  reason: string;
}

export interface LabelLevel1Answers {
  assignedTo?: string;
  responses: Record<string, string>;
  path: string;
}

export interface Draft {
  declaration: Declaration | null;
  provenance: Provenance[];
  placeholders: Placeholder[];
  labelLevel1?: LabelLevel1Answers;
  /** Why no declaration could be drafted. */
  reason?: string;
}

type Signatures = ReadonlyMap<GaiaxCredential, SignatureStatus>;

const PROVIDER_TYPES = ['LegalParticipant', 'LegalPerson'];
const OFFER_TYPES = ['ServiceOffering', 'ServiceOfferingExperimental'];

export function buildDraft(credentials: GaiaxCredential[], signatures: Signatures): Draft {
  const subjects = credentials.filter((c) => !c.compliance).flatMap((c) => c.subjects);
  const provenance: Provenance[] = [];
  const placeholders: Placeholder[] = [];
  const record = (
    field: (string | number)[],
    value: unknown,
    s: GaiaxSubject,
    segs: PathSegment[],
    property: string,
    derived?: string,
  ) => {
    provenance.push({
      field: formatPath(field),
      value,
      source: {
        path: formatPath([...s.segments, ...segs]),
        property,
        ...(s.credential.id ? { credential: s.credential.id } : {}),
        ...(s.credential.issuer ? { issuer: s.credential.issuer } : {}),
        vocabulary: s.vocabulary ?? 'unknown',
      },
      signature: signatures.get(s.credential) ?? 'unsigned',
      ...(derived ? { derived } : {}),
    });
    return value;
  };

  const participants = subjects.filter((s) => s.type && PROVIDER_TYPES.includes(s.type));
  const offers = subjects.filter((s) => s.type && OFFER_TYPES.includes(s.type));
  const label = subjects.find((s) => s.type === 'ServiceOfferingLabelLevel1');
  const labelLevel1 = label ? readLabel(label) : undefined;
  if (participants.length === 0) {
    return {
      declaration: null,
      provenance,
      placeholders,
      ...(labelLevel1 ? { labelLevel1 } : {}),
      reason: 'the input holds no participant (gx:LegalParticipant or LegalPerson): the provider is unknown',
    };
  }
  const offer =
    offers.find((o) => {
      const to = linkId(propertyValue(o.node, o.prefixes, 'providedBy')?.value);
      return participants.some((p) => to && (p.id === to || p.credential.id === to));
    }) ?? offers[0];
  const participant =
    participants.find((p) => {
      const to = offer ? linkId(propertyValue(offer.node, offer.prefixes, 'providedBy')?.value) : undefined;
      return to && (p.id === to || p.credential.id === to);
    }) ?? participants[0]!;

  // ---- provider
  const pv = (local: string) => propertyValue(participant.node, participant.prefixes, local);
  const legalName = pv('legalName') ?? pv('name');
  let providerName: string;
  if (typeof legalName?.value === 'string' && legalName.value.trim() !== '') {
    providerName = record(
      ['provider', 'name'],
      legalName.value.trim().slice(0, 300),
      participant,
      legalName.segments,
      legalName.term.raw,
    ) as string;
  } else {
    providerName = 'Fournisseur à compléter';
    placeholders.push({
      field: '$.provider.name',
      value: providerName,
      reason: 'the participant credential gives no legal name',
    });
  }
  const providerId = slug(providerName, 'provider');
  if (legalName)
    record(
      ['provider', 'id'],
      providerId,
      participant,
      legalName.segments,
      legalName.term.raw,
      'slug of the legal name',
    );
  const declaration: Declaration = {
    formatVersion: 1,
    provider: { id: providerId, name: providerName },
    offer: { id: '', name: '', serviceModel: 'IaaS' },
  };
  const legalCountry = addressCountry(participant, 'legalAddress');
  if (legalCountry) {
    declaration.provider.registeredOffice = record(
      ['provider', 'registeredOffice'],
      legalCountry.country,
      participant,
      legalCountry.segments,
      legalCountry.property,
      legalCountry.derived,
    ) as string;
  }
  const hqCountry = addressCountry(participant, 'headquarterAddress');
  if (hqCountry) {
    declaration.provider.centralAdministration = record(
      ['provider', 'centralAdministration'],
      hqCountry.country,
      participant,
      hqCountry.segments,
      hqCountry.property,
      `${hqCountry.derived ?? 'country of the address'} (headquarters taken as central administration)`,
    ) as string;
  }
  const registration = registrationNumber(participant, subjects, legalCountry?.country);
  if (registration) {
    declaration.provider.registrationNumber = registration.value;
    provenance.push({
      field: '$.provider.registrationNumber',
      value: registration.value,
      source: {
        path: formatPath([...registration.subject.segments, ...registration.segments]),
        property: registration.property,
        ...(registration.subject.credential.id ? { credential: registration.subject.credential.id } : {}),
        ...(registration.subject.credential.issuer ? { issuer: registration.subject.credential.issuer } : {}),
        vocabulary: registration.subject.vocabulary ?? 'unknown',
      },
      signature: signatures.get(registration.subject.credential) ?? 'unsigned',
      ...(registration.derived ? { derived: registration.derived } : {}),
    });
  }

  // ---- offer
  const o = declaration.offer;
  const ov = (local: string) => (offer ? propertyValue(offer.node, offer.prefixes, local) : undefined);
  const name = ov('name');
  if (offer && typeof name?.value === 'string' && name.value.trim() !== '') {
    o.name = record(
      ['offer', 'name'],
      name.value.trim().slice(0, 300),
      offer,
      name.segments,
      name.term.raw,
    ) as string;
    o.id = record(
      ['offer', 'id'],
      slug(o.name, 'offer'),
      offer,
      name.segments,
      name.term.raw,
      'slug of the name',
    ) as string;
  } else {
    o.name = `Offre de ${providerName}`.slice(0, 300);
    placeholders.push({
      field: '$.offer.name',
      value: o.name,
      reason: offer ? 'the service offering gives no name' : 'the input holds no service offering',
    });
    if (offer?.id) {
      o.id = record(
        ['offer', 'id'],
        `gaiax-${sha256(offer.id).slice(0, 12)}`,
        offer,
        [],
        'id',
        'hash of the service offering id',
      ) as string;
    } else {
      o.id = `${providerId.slice(0, 100)}-offer`;
      placeholders.push({
        field: '$.offer.id',
        value: o.id,
        reason: 'no service offering id to derive it from',
      });
    }
  }
  placeholders.push({
    field: '$.offer.serviceModel',
    value: o.serviceModel,
    reason: 'Gaia-X credentials do not state a service model (IaaS, CaaS, PaaS, SaaS): check it',
  });
  const description = ov('description');
  if (offer && typeof description?.value === 'string' && description.value.trim() !== '') {
    o.description = record(
      ['offer', 'description'],
      description.value.trim(),
      offer,
      description.segments,
      description.term.raw,
    ) as string;
  }
  const exportP = ov('dataAccountExport') ?? ov('dataExport');
  if (offer && exportP) {
    let documented = false;
    forEachItem(exportP.value, [], (v) => {
      const fmt = isObject(v) ? propertyValue(v, offer.prefixes, 'formatType') : undefined;
      if (typeof fmt?.value === 'string' && fmt.value !== '') documented = true;
    });
    if (documented) {
      o.contract = { reversibility: { exportFormatsDocumented: true } };
      record(
        ['offer', 'contract', 'reversibility', 'exportFormatsDocumented'],
        true,
        offer,
        exportP.segments,
        exportP.term.raw,
        'a data export method with a media type is declared',
      );
    }
  }
  if (labelLevel1 && label) {
    if (labelLevel1.responses['P1.2.5'] === 'Confirm') {
      o.locationDisclosure = true;
      record(
        ['offer', 'locationDisclosure'],
        true,
        label,
        ['gx:criteria', 'gx:P1.2.5'],
        'gx:P1.2.5',
        'Label Level 1: the location of processing is declared to customers',
      );
    }
    if (
      labelLevel1.responses['P4.1.1'] === 'Confirm' &&
      o.contract?.reversibility?.exportFormatsDocumented !== true
    ) {
      o.contract = {
        ...o.contract,
        reversibility: { ...o.contract?.reversibility, exportFormatsDocumented: true },
      };
      record(
        ['offer', 'contract', 'reversibility', 'exportFormatsDocumented'],
        true,
        label,
        ['gx:criteria', 'gx:P4.1.1'],
        'gx:P4.1.1',
        'Label Level 1: switching and porting in machine-readable open formats',
      );
    }
  }
  const regions = physicalRegions(subjects, offer, record);
  if (regions.length > 0) o.regions = regions;
  return { declaration, provenance, placeholders, ...(labelLevel1 ? { labelLevel1 } : {}) };
}

function readLabel(label: GaiaxSubject): LabelLevel1Answers {
  const criteria = propertyValue(label.node, label.prefixes, 'criteria');
  const responses: Record<string, string> = {};
  if (criteria && isObject(criteria.value)) {
    for (const p of propertiesOf(criteria.value, [], label.prefixes)) {
      const r = isObject(p.value) ? propertyValue(p.value, label.prefixes, 'response')?.value : undefined;
      if (typeof r === 'string') responses[p.term.local] = r;
    }
  }
  const assignedTo = linkId(propertyValue(label.node, label.prefixes, 'assignedTo')?.value);
  return { responses, path: formatPath(label.segments), ...(assignedTo ? { assignedTo } : {}) };
}

interface Found {
  country: string;
  segments: PathSegment[];
  property: string;
  derived?: string;
}

/** The country of a 22.10 address (ISO 3166-2 subdivision) or a 22.04 one (country code). */
function addressCountry(s: GaiaxSubject, local: string): Found | undefined {
  const address = propertyValue(s.node, s.prefixes, local);
  if (!address) return undefined;
  let found: Found | undefined;
  forEachItem(address.value, address.segments, (v, segs) => {
    if (found || !isObject(v)) return;
    const sub =
      propertyValue(v, s.prefixes, 'countrySubdivisionCode') ?? propertyValue(v, s.prefixes, 'addressCode');
    const cc =
      propertyValue(v, s.prefixes, 'addressCountryCode') ?? propertyValue(v, s.prefixes, 'countryCode');
    if (typeof cc?.value === 'string' && isCountryCode(cc.value.toUpperCase())) {
      found = { country: cc.value.toUpperCase(), segments: [...segs, ...cc.segments], property: cc.term.raw };
    } else if (
      typeof sub?.value === 'string' &&
      isCountryCode(sub.value.slice(0, 2).toUpperCase()) &&
      sub.value[2] === '-'
    ) {
      found = {
        country: sub.value.slice(0, 2).toUpperCase(),
        segments: [...segs, ...sub.segments],
        property: sub.term.raw,
        derived: `country part of the ISO 3166-2 code ${sub.value}`,
      };
    }
  });
  return found;
}

const LRN_SCHEMES: Array<[string, string]> = [
  ['vatID', 'VAT'],
  ['leiCode', 'LEI'],
  ['EUID', 'EUID'],
  ['EORI', 'EORI'],
  ['taxID', 'TAX'],
];

function registrationNumber(
  participant: GaiaxSubject,
  subjects: GaiaxSubject[],
  country: string | undefined,
) {
  if (participant.vocabulary === '22.10') {
    const link = linkId(
      propertyValue(participant.node, participant.prefixes, 'legalRegistrationNumber')?.value,
    );
    const lrn =
      subjects.find(
        (s) => s.type === 'legalRegistrationNumber' && (s.id === link || s.credential.id === link),
      ) ?? subjects.find((s) => s.type === 'legalRegistrationNumber');
    if (!lrn) return undefined;
    for (const [local, scheme] of LRN_SCHEMES) {
      const p = propertyValue(lrn.node, lrn.prefixes, local);
      if (typeof p?.value === 'string' && p.value.length >= 3) {
        return {
          value: { scheme, value: p.value },
          subject: lrn,
          segments: p.segments,
          property: p.term.raw,
          derived: undefined,
        };
      }
    }
    return undefined;
  }
  const rn = propertyValue(participant.node, participant.prefixes, 'registrationNumber');
  if (!rn || !isObject(rn.value)) return undefined;
  const type = propertyValue(rn.value, participant.prefixes, 'registrationNumberType')?.value;
  const num = propertyValue(rn.value, participant.prefixes, 'registrationNumberNumber');
  if (typeof num?.value !== 'string' || num.value === '') return undefined;
  const known: Record<string, string> = {
    vatID: 'VAT',
    leiCode: 'LEI',
    EORI: 'EORI',
    EUID: 'EUID',
    local: `LOCAL-${country ?? 'XX'}`,
  };
  const scheme = typeof type === 'string' ? (known[type] ?? type.toUpperCase()) : 'LOCAL';
  return {
    value: { scheme, value: num.value },
    subject: participant,
    segments: [...rn.segments, ...num.segments],
    property: num.term.raw,
    derived:
      type === 'local'
        ? `local register of ${country ?? 'an unknown country'} (registrationNumberType "local")`
        : undefined,
  };
}

type Record_ = (
  field: (string | number)[],
  value: unknown,
  s: GaiaxSubject,
  segs: PathSegment[],
  property: string,
  derived?: string,
) => unknown;

/** Regions from the physical resources an offering aggregates (transitively), or all of them without one. */
function physicalRegions(
  subjects: GaiaxSubject[],
  offer: GaiaxSubject | undefined,
  record: Record_,
): Region[] {
  const byId = new Map(subjects.filter((s) => s.id).map((s) => [s.id!, s]));
  let physical = subjects.filter((s) => s.type === 'PhysicalResource');
  if (offer && propertyValue(offer.node, offer.prefixes, 'aggregationOf')) {
    const reached = new Set<GaiaxSubject>();
    const visit = (s: GaiaxSubject) => {
      if (reached.has(s)) return;
      reached.add(s);
      for (const local of ['aggregationOf', 'hostedOn', 'instanceOf']) {
        const p = propertyValue(s.node, s.prefixes, local);
        if (p)
          forEachItem(p.value, [], (v) => {
            const t = byId.get(linkId(v) ?? '');
            if (t) visit(t);
          });
      }
    };
    visit(offer);
    physical = physical.filter((s) => reached.has(s));
  }
  const regions: Region[] = [];
  const codes = new Set<string>();
  physical.forEach((s, i) => {
    const loc = propertyValue(s.node, s.prefixes, 'locationAddress');
    if (!loc) return;
    forEachItem(loc.value, loc.segments, (v, segs) => {
      const cc = isObject(v) ? propertyValue(v, s.prefixes, 'countryCode') : undefined;
      if (typeof cc?.value !== 'string' || !isCountryCode(cc.value.toUpperCase())) return;
      const named = propertyValue(s.node, s.prefixes, 'name');
      const name = named?.value;
      let code = slug(typeof name === 'string' ? name : `gaiax-location-${i + 1}`, 'location');
      while (codes.has(code)) code = `${code}-${regions.length + 1}`;
      codes.add(code);
      const region = { code, country: cc.value.toUpperCase() };
      record(
        ['offer', 'regions', regions.length, 'country'],
        region.country,
        s,
        [...segs, ...cc.segments],
        cc.term.raw,
      );
      record(
        ['offer', 'regions', regions.length, 'code'],
        code,
        s,
        typeof name === 'string' ? named!.segments : segs,
        typeof name === 'string' ? named!.term.raw : cc.term.raw,
        typeof name === 'string' ? 'slug of the resource name' : 'numbered location of the resource',
      );
      regions.push(region);
    });
  });
  return regions;
}

/** An id matching the declaration's pattern, from free text. */
export function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return s === '' ? fallback : s;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
