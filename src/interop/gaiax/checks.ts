/**
 * Checks of a Gaia-X input beyond its structure: each subject against its shape (required properties,
 * misspelt ones, enumerations, ISO 3166 codes), proofs present and well formed, and the business rules of
 * the Gaia-X compliance service that can be checked offline (terms and conditions signed by each issuer,
 * service offering issued by its provider, Label Level 1 criteria confirmed).
 */
import { isCountryCode } from '../../declaration/countries.js';
import { formatPath, type PathSegment } from '../../util/source.js';
import {
  type GaiaxCredential,
  type GaiaxIssue,
  type GaiaxSubject,
  isObject,
  type PropertyValue,
} from './read.js';
import {
  ACCESS_TYPES,
  CRITERIA_RESPONSES,
  closest,
  DATA_PROTECTION_REGIMES,
  LABEL_CRITERIA,
  LABEL_LEVEL_1_REQUIRED,
  MEDIA_TYPE,
  NESTED_2204,
  NESTED_2210,
  REQUEST_TYPES,
  resolveTerm,
  SHAPES_2204,
  SHAPES_2210,
  SUBDIVISION_CODE,
  TERMS_AND_CONDITIONS_2210,
  type TypeShape,
} from './vocab.js';

export interface CheckOptions {
  /** An unsigned credential is an error (default) or, when false, a warning. */
  requireProof: boolean;
}

type Report = (
  segments: PathSegment[],
  code: string,
  message: string,
  severity?: GaiaxIssue['severity'],
) => void;

const SKIP = new Set(['id', '@id', 'type', '@type', '@context']);

/** The properties of a node, resolved to their vocabulary. */
export function propertiesOf(
  node: Record<string, unknown>,
  segments: PathSegment[],
  prefixes: Record<string, string>,
): PropertyValue[] {
  return Object.entries(node)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, value]) => ({ term: resolveTerm(k, prefixes), value, segments: [...segments, k] }));
}

/** The value of a property by local name within a vocabulary ('gx' for 22.10, a 22.04 module otherwise). */
export function propertyValue(
  node: Record<string, unknown>,
  prefixes: Record<string, string>,
  local: string,
): PropertyValue | undefined {
  return propertiesOf(node, [], prefixes).find(
    (p) => p.term.vocabulary !== 'other' && p.term.local === local,
  );
}

export function checkGaiax(credentials: GaiaxCredential[], options: CheckOptions): GaiaxIssue[] {
  const issues: GaiaxIssue[] = [];
  const report: Report = (segments, code, message, severity = 'error') =>
    issues.push({ path: formatPath(segments), message, severity, code });
  for (const c of credentials) {
    // The compliance service's own credential is kept as evidence, not read as claims of the provider.
    if (c.compliance) continue;
    checkProof(c, options, report);
    for (const s of c.subjects) checkSubject(s, report);
  }
  checkRules(credentials, report);
  return issues;
}

function checkProof(c: GaiaxCredential, options: CheckOptions, report: Report): void {
  const proof = c.document.proof;
  const at = [...c.segments, 'proof'];
  if (proof === undefined) {
    report(
      at,
      'proof',
      options.requireProof
        ? 'is required: a Gaia-X credential is signed by its issuer (JsonWebSignature2020)'
        : 'missing: the claims of this credential are imported as unsigned',
      options.requireProof ? 'error' : 'warning',
    );
    return;
  }
  for (const p of Array.isArray(proof) ? proof : [proof]) {
    if (!isObject(p)) {
      report(at, 'proof', 'must be an object');
      continue;
    }
    if (p.type !== 'JsonWebSignature2020') {
      report(
        [...at, 'type'],
        'proof',
        `must be "JsonWebSignature2020" (found ${JSON.stringify(p.type)}${p.type === 'JsonWebKey2020' ? ', which is a key type' : ''})`,
      );
    }
    if (typeof p.verificationMethod !== 'string' || p.verificationMethod === '') {
      report([...at, 'verificationMethod'], 'proof', 'is required: the issuer key that signed');
    }
    if (typeof p.jws !== 'string' || !/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/.test(p.jws)) {
      report([...at, 'jws'], 'proof', 'must be a detached compact JWS (header..signature)');
    }
  }
}

function checkSubject(s: GaiaxSubject, report: Report): void {
  if (!s.type) {
    report(s.segments, 'type', 'has no Gaia-X type (type or @type): the subject is ignored', 'warning');
    return;
  }
  if (s.vocabulary === '22.10') {
    const shape = SHAPES_2210[s.type];
    if (!shape) {
      report(
        s.segments,
        'type',
        `gx:${s.type} is not a Trust Framework 22.10 type this importer reads: ignored`,
        'warning',
      );
      return;
    }
    checkShape(s.node, s.segments, s.prefixes, shape, '22.10', `gx:${s.type}`, 'gx:', report);
    check2210(s, report);
  } else {
    const shape = SHAPES_2204[s.type];
    if (!shape) {
      report(s.segments, 'type', `${s.type} is not a 22.04 type this importer reads: ignored`, 'warning');
      return;
    }
    const prefix = `gx-${shape.module}:`;
    checkShape(s.node, s.segments, s.prefixes, shape, '22.04', s.type, prefix, report);
    check2204(s, prefix, report);
  }
}

/** Required properties and unknown (often misspelt) ones, for one node of a known shape. */
function checkShape(
  node: Record<string, unknown>,
  segments: PathSegment[],
  prefixes: Record<string, string>,
  shape: TypeShape,
  vocabulary: '22.10' | '22.04',
  typeName: string,
  prefix: string,
  report: Report,
): void {
  const props = propertiesOf(node, segments, prefixes).filter((p) => p.term.vocabulary === vocabulary);
  const unknown = props.filter((p) => !shape.properties.includes(p.term.local));
  for (const p of unknown) {
    const hint = closest(p.term.local, shape.properties);
    report(
      p.segments,
      'unknown-property',
      `${p.term.raw} is not a property of ${typeName}${hint ? ` (did you mean ${prefix}${hint}?)` : ''}`,
      shape.closed ? 'error' : 'warning',
    );
  }
  for (const name of shape.required) {
    if (props.some((p) => p.term.local === name)) continue;
    const misspelt = unknown.find((p) => closest(p.term.local, [name]) === name);
    report(
      [...segments, `${prefix}${name}`],
      'required',
      `is required by ${typeName} (Trust Framework ${vocabulary})${misspelt ? `; found ${misspelt.term.raw}, misspelt?` : ''}`,
    );
  }
}

function check2210(s: GaiaxSubject, report: Report): void {
  const get = (local: string) => propertyValue(s.node, s.prefixes, local);
  const at = (p: PropertyValue) => [...s.segments, ...p.segments];
  switch (s.type) {
    case 'LegalParticipant':
      for (const name of ['headquarterAddress', 'legalAddress']) {
        const p = get(name);
        if (p) forEachItem(p.value, at(p), (v, segs) => checkAddress2210(v, segs, s.prefixes, report));
      }
      break;
    case 'legalRegistrationNumber': {
      const ids = ['taxID', 'EUID', 'EORI', 'vatID', 'leiCode']
        .map(get)
        .filter((p): p is PropertyValue => p !== undefined);
      if (ids.length === 0) {
        report(
          s.segments,
          'required',
          'at least one of gx:taxID, gx:vatID, gx:EUID, gx:EORI or gx:leiCode is required',
        );
      }
      for (const p of ids) {
        if (typeof p.value !== 'string' || p.value.length < 3)
          report(at(p), 'value', 'must be a string of at least 3 characters');
      }
      for (const name of ['vatID-countryCode', 'leiCode-countryCode']) {
        const p = get(name);
        if (p && !(typeof p.value === 'string' && isCountryCode(p.value.toUpperCase()))) {
          report(at(p), 'country', `${JSON.stringify(p.value)} is not an ISO 3166-1 alpha-2 country code`);
        }
      }
      break;
    }
    case 'GaiaXTermsAndConditions': {
      const p = get('termsAndConditions');
      if (p && p.value !== TERMS_AND_CONDITIONS_2210) {
        report(
          at(p),
          'value',
          'must be the exact text of the Gaia-X Terms and Conditions of Trust Framework 22.10',
        );
      }
      break;
    }
    case 'ServiceOffering': {
      const provided = get('providedBy');
      if (provided && linkId(provided.value) === undefined)
        report(at(provided), 'value', 'must link to the provider: {"id": "<participant id>"}');
      const policy = get('policy');
      if (policy)
        forEachItem(policy.value, at(policy), (v, segs) => {
          if (typeof v !== 'string')
            report(segs, 'value', 'must be a policy written in a DSL (ODRL, Rego…), as a string');
        });
      const exportP = get('dataAccountExport');
      if (exportP)
        forEachItem(exportP.value, at(exportP), (v, segs) =>
          checkDataExport(v, segs, s.prefixes, '22.10', report),
        );
      const regime = get('dataProtectionRegime');
      if (regime)
        forEachItem(regime.value, at(regime), (v, segs) => {
          if (!DATA_PROTECTION_REGIMES.includes(v as never))
            report(segs, 'value', `must be one of ${DATA_PROTECTION_REGIMES.join(', ')}`);
        });
      break;
    }
    case 'ServiceOfferingLabelLevel1': {
      const criteria = get('criteria');
      if (criteria && isObject(criteria.value)) {
        for (const p of propertiesOf(criteria.value, at(criteria), s.prefixes).filter(
          (x) => x.term.vocabulary === '22.10',
        )) {
          if (!LABEL_CRITERIA.has(p.term.local)) {
            report(p.segments, 'unknown-property', `${p.term.raw} is not a Gaia-X label criterion`);
            continue;
          }
          const response = isObject(p.value) ? propertyValue(p.value, s.prefixes, 'response') : undefined;
          if (!response || !CRITERIA_RESPONSES.includes(response.value as never)) {
            report(
              [...p.segments, 'gx:response'],
              'value',
              `must be one of ${CRITERIA_RESPONSES.map((r) => JSON.stringify(r)).join(', ')}`,
            );
          }
        }
      } else if (criteria) report(at(criteria), 'value', 'must be a gx:ServiceOfferingCriteria object');
      break;
    }
    case 'PhysicalResource': {
      const loc = get('locationAddress');
      if (loc)
        forEachItem(loc.value, at(loc), (v, segs) => {
          const cc = isObject(v) ? propertyValue(v, s.prefixes, 'countryCode') : undefined;
          if (!cc)
            report([...segs, 'gx:countryCode'], 'required', 'is required: the country of the location');
          else if (!(typeof cc.value === 'string' && isCountryCode(cc.value.toUpperCase()))) {
            report(
              [...segs, ...cc.segments],
              'country',
              `${JSON.stringify(cc.value)} is not an ISO 3166-1 alpha-2 country code`,
            );
          }
        });
      break;
    }
  }
}

function checkAddress2210(
  v: unknown,
  segs: PathSegment[],
  prefixes: Record<string, string>,
  report: Report,
): void {
  if (!isObject(v)) {
    report(segs, 'value', 'must be an address object with gx:countrySubdivisionCode');
    return;
  }
  checkShape(v, segs, prefixes, NESTED_2210.address!, '22.10', 'a gx address', 'gx:', report);
  const code = propertyValue(v, prefixes, 'countrySubdivisionCode');
  if (code) checkSubdivision(code.value, [...segs, ...code.segments], undefined, report);
}

/** ISO 3166-2: the pattern of the 22.10 shape, and a country part that is an assigned ISO 3166-1 code. */
function checkSubdivision(
  value: unknown,
  segs: PathSegment[],
  country: string | undefined,
  report: Report,
): void {
  if (typeof value !== 'string' || !SUBDIVISION_CODE.test(value)) {
    report(
      segs,
      'country',
      `${JSON.stringify(value)} is not an ISO 3166-2 subdivision code (e.g. FR-IDF, BE-BRU)`,
    );
    return;
  }
  const cc = value.slice(0, 2).toUpperCase();
  if (!isCountryCode(cc))
    report(segs, 'country', `${JSON.stringify(value)}: ${cc} is not an ISO 3166-1 country code`);
  else if (country && isCountryCode(country.toUpperCase()) && cc !== country.toUpperCase()) {
    report(segs, 'country', `${JSON.stringify(value)} is not a subdivision of ${country.toUpperCase()}`);
  }
}

function checkDataExport(
  v: unknown,
  segs: PathSegment[],
  prefixes: Record<string, string>,
  vocabulary: '22.10' | '22.04',
  report: Report,
): void {
  const prefix = vocabulary === '22.10' ? 'gx:' : 'gx-service-offering:';
  if (!isObject(v)) {
    report(segs, 'value', 'must be an object with requestType, accessType and formatType');
    return;
  }
  const shape = vocabulary === '22.10' ? NESTED_2210.dataAccountExport! : NESTED_2204.dataExport!;
  checkShape(v, segs, prefixes, shape, vocabulary, 'a data export', prefix, report);
  const req = propertyValue(v, prefixes, 'requestType');
  if (req && !REQUEST_TYPES.includes(req.value as never)) {
    report(
      [...segs, ...req.segments],
      'value',
      `${JSON.stringify(req.value)} must be one of ${REQUEST_TYPES.join(', ')}`,
    );
  }
  const acc = propertyValue(v, prefixes, 'accessType');
  if (acc && !ACCESS_TYPES.includes(acc.value as never)) {
    report(
      [...segs, ...acc.segments],
      'value',
      `${JSON.stringify(acc.value)} must be one of ${ACCESS_TYPES.join(', ')}`,
    );
  }
  const fmt = propertyValue(v, prefixes, 'formatType');
  if (fmt && !(typeof fmt.value === 'string' && MEDIA_TYPE.test(fmt.value))) {
    report(
      [...segs, ...fmt.segments],
      'value',
      `${JSON.stringify(fmt.value)} must be a media type (e.g. application/json)`,
    );
  }
}

function check2204(s: GaiaxSubject, prefix: string, report: Report): void {
  const get = (local: string) => propertyValue(s.node, s.prefixes, local);
  const at = (p: PropertyValue) => [...s.segments, ...p.segments];
  const nested = (
    p: PropertyValue | undefined,
    shape: TypeShape,
    name: string,
    each?: (v: Record<string, unknown>, segs: PathSegment[]) => void,
  ) => {
    if (!p) return;
    forEachItem(p.value, at(p), (v, segs) => {
      if (!isObject(v)) {
        report(segs, 'value', `must be an object (${name})`);
        return;
      }
      checkShape(v, segs, s.prefixes, shape, '22.04', name, prefix, report);
      each?.(v, segs);
    });
  };
  if (s.type === 'LegalPerson') {
    for (const name of ['headquarterAddress', 'legalAddress']) {
      nested(get(name), NESTED_2204.address!, `${prefix}${name}`, (v, segs) => {
        const cc = propertyValue(v, s.prefixes, 'addressCountryCode');
        const country = typeof cc?.value === 'string' ? cc.value : undefined;
        if (cc && !(country && isCountryCode(country.toUpperCase()))) {
          report(
            [...segs, ...cc.segments],
            'country',
            `${JSON.stringify(cc.value)} is not an ISO 3166-1 alpha-2 country code`,
          );
        }
        const code = propertyValue(v, s.prefixes, 'addressCode');
        if (code) checkSubdivision(code.value, [...segs, ...code.segments], country, report);
      });
    }
    nested(get('registrationNumber'), NESTED_2204.registrationNumber!, `${prefix}registrationNumber`);
    const tc = get('termsAndConditions');
    if (tc && !(typeof tc.value === 'string' && /^[0-9a-f]{64}$/.test(tc.value))) {
      report(at(tc), 'value', 'must be the SHA-256 (hex) of the Gaia-X Terms and Conditions');
    }
  } else if (s.type === 'ServiceOfferingExperimental') {
    nested(get('termsAndConditions'), NESTED_2204.termsAndConditions!, `${prefix}termsAndConditions`);
    nested(get('gdpr'), NESTED_2204.gdpr!, `${prefix}gdpr`);
    const exp = get('dataExport');
    if (exp)
      forEachItem(exp.value, at(exp), (v, segs) => checkDataExport(v, segs, s.prefixes, '22.04', report));
    const provided = get('providedBy');
    if (provided && typeof provided.value !== 'string' && linkId(provided.value) === undefined) {
      report(at(provided), 'value', 'must be the id (URL) of the provider’s self-description');
    }
  }
}

/** Cross-credential rules of the compliance service that need nothing from the network. */
function checkRules(credentials: GaiaxCredential[], report: Report): void {
  const subjects = credentials.filter((c) => !c.compliance).flatMap((c) => c.subjects);
  const byType = (t: string) => subjects.filter((s) => s.type === t);
  const tcIssuers = new Set(byType('GaiaXTermsAndConditions').map((s) => s.credential.issuer));
  const participants = byType('LegalParticipant');
  for (const s of [...participants, ...byType('ServiceOffering')]) {
    const issuer = s.credential.issuer;
    if (issuer && !tcIssuers.has(issuer)) {
      report(
        [...s.credential.segments, 'issuer'],
        'rule',
        `${issuer} has not signed the Gaia-X Terms and Conditions: the input holds no gx:GaiaXTermsAndConditions credential it issued`,
      );
    }
  }
  const participantIds = (p: GaiaxSubject) => [p.id, p.credential.id].filter(Boolean);
  for (const so of byType('ServiceOffering')) {
    const link = propertyValue(so.node, so.prefixes, 'providedBy');
    const target = link ? linkId(link.value) : undefined;
    if (!target) continue;
    const provider = participants.find((p) => participantIds(p).includes(target));
    if (!provider) {
      report(
        [...so.segments, ...link!.segments],
        'link',
        `links to ${target}, which is not a gx:LegalParticipant in the input`,
        'warning',
      );
    } else if (provider.credential.issuer && so.credential.issuer !== provider.credential.issuer) {
      report(
        [...so.credential.segments, 'issuer'],
        'rule',
        `the service offering is issued by ${so.credential.issuer}, not by its provider ${provider.credential.issuer}`,
      );
    }
  }
  for (const label of byType('ServiceOfferingLabelLevel1')) {
    const criteria = propertyValue(label.node, label.prefixes, 'criteria');
    if (!criteria || !isObject(criteria.value)) continue;
    const answers = new Map(
      propertiesOf(criteria.value, [], label.prefixes).map((p) => [
        p.term.local,
        isObject(p.value) ? propertyValue(p.value, label.prefixes, 'response')?.value : undefined,
      ]),
    );
    const unconfirmed = LABEL_LEVEL_1_REQUIRED.filter((id) => answers.get(id) !== 'Confirm');
    if (unconfirmed.length > 0) {
      const assigned = linkId(propertyValue(label.node, label.prefixes, 'assignedTo')?.value) ?? '?';
      report(
        [...label.segments, ...criteria.segments],
        'label-level-1',
        `the following criteria weren't confirmed for service offering ${assigned}: ${unconfirmed
          .map((id) => `${id} (${JSON.stringify(answers.get(id) ?? null)})`)
          .join(', ')}`,
      );
    }
  }
}

/** `{"id": x}`, `{"@id": x}` or a plain string: the linked id. */
export function linkId(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (isObject(v)) {
    const id = v.id ?? v['@id'];
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

export function forEachItem(
  v: unknown,
  segs: PathSegment[],
  fn: (item: unknown, segs: PathSegment[]) => void,
): void {
  if (Array.isArray(v)) {
    for (const [i, item] of v.entries()) fn(item, [...segs, i]);
  } else fn(v, segs);
}
