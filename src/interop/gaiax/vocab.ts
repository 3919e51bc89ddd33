/**
 * The Gaia-X vocabularies we read: Trust Framework 22.10 ("Tagus", prefix `gx:`) and the older 22.04/22.06
 * self-descriptions (prefixes `gx-participant:`, `gx-service-offering:`, `gx-resource:`). Property lists and
 * constraints follow the 22.10 SHACL shapes served by the Gaia-X registry (copy in GAIA-X4PLC-AAD/
 * ontology-management-base gx/input/01_original/gx_shacl.json) and the 22.04/22.06 shapes as used by the
 * Gaia-X compliance service of that time (Sphereon/gx-compliance fixtures).
 */

export type Vocabulary = '22.10' | '22.04';

/** Namespace IRIs by prefix; a document may define others in its inline @context. */
export const KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  gx: 'https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/trustframework#',
  'gx-participant': 'http://w3id.org/gaia-x/participant#',
  'gx-service-offering': 'http://w3id.org/gaia-x/service-offering#',
  'gx-resource': 'http://w3id.org/gaia-x/resource#',
  'gx-terms-and-conditions': 'http://w3id.org/gaia-x/gax-trust-framework/terms-and-conditions#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
};

/** A term resolved to the vocabulary it belongs to. */
export interface Term {
  vocabulary: Vocabulary | 'other';
  /** `participant`, `service-offering`, `resource` for 22.04; `gx` for 22.10. */
  module: string;
  local: string;
  /** As written in the document. */
  raw: string;
}

/** Any registry host or version serving the 22.10 trust framework counts as the `gx:` namespace. */
function vocabularyOf(iri: string): { vocabulary: Vocabulary; module: string } | undefined {
  if (/\/trustframework#?$/.test(iri)) return { vocabulary: '22.10', module: 'gx' };
  const m = /^https?:\/\/w3id\.org\/gaia-x\/(participant|service-offering|resource)#$/.exec(iri);
  if (m) return { vocabulary: '22.04', module: m[1]! };
  return undefined;
}

export function resolveTerm(raw: string, prefixes: Readonly<Record<string, string>>): Term {
  const colon = raw.indexOf(':');
  if (colon > 0 && !raw.startsWith('http')) {
    const ns = prefixes[raw.slice(0, colon)];
    const v = ns ? vocabularyOf(ns) : undefined;
    if (v) return { ...v, local: raw.slice(colon + 1), raw };
  }
  const hash = raw.lastIndexOf('#');
  if (raw.startsWith('http') && hash > 0) {
    const v = vocabularyOf(raw.slice(0, hash + 1));
    if (v) return { ...v, local: raw.slice(hash + 1), raw };
  }
  return { vocabulary: 'other', module: '', local: raw, raw };
}

/** What we know of one subject type: its properties, which are required, and how closed the list is. */
export interface TypeShape {
  properties: readonly string[];
  required: readonly string[];
  /** true: an unknown property of this vocabulary is an error (a misspelling); false: a warning. */
  closed: boolean;
}

export const SHAPES_2210: Readonly<Record<string, TypeShape>> = {
  LegalParticipant: {
    properties: [
      'legalName',
      'legalRegistrationNumber',
      'headquarterAddress',
      'legalAddress',
      'parentOrganization',
      'subOrganization',
      'name',
      'description',
    ],
    required: ['legalRegistrationNumber', 'headquarterAddress', 'legalAddress'],
    closed: true,
  },
  legalRegistrationNumber: {
    properties: ['taxID', 'EUID', 'EORI', 'vatID', 'vatID-countryCode', 'leiCode', 'leiCode-countryCode'],
    required: [],
    closed: true,
  },
  GaiaXTermsAndConditions: {
    properties: ['termsAndConditions'],
    required: ['termsAndConditions'],
    closed: true,
  },
  ServiceOffering: {
    properties: [
      'providedBy',
      'termsAndConditions',
      'policy',
      'dataProtectionRegime',
      'dataAccountExport',
      'aggregationOf',
      'dependsOn',
      'name',
      'description',
      'keyword',
      'hostedOn',
    ],
    required: ['providedBy', 'termsAndConditions', 'policy', 'dataAccountExport'],
    closed: true,
  },
  SOTermsAndConditions: { properties: ['URL', 'hash'], required: ['URL', 'hash'], closed: true },
  ServiceOfferingLabelLevel1: {
    properties: ['assignedTo', 'criteria'],
    required: ['assignedTo', 'criteria'],
    closed: true,
  },
  PhysicalResource: {
    properties: [
      'maintainedBy',
      'ownedBy',
      'manufacturedBy',
      'locationAddress',
      'location',
      'aggregationOf',
      'name',
      'description',
      'policy',
      'license',
      'copyrightOwnedBy',
    ],
    required: ['maintainedBy'],
    closed: false,
  },
  VirtualResource: {
    properties: ['copyrightOwnedBy', 'license', 'policy', 'aggregationOf', 'name', 'description'],
    required: [],
    closed: false,
  },
  SoftwareResource: {
    properties: ['copyrightOwnedBy', 'license', 'policy', 'aggregationOf', 'name', 'description'],
    required: [],
    closed: false,
  },
  DataResource: {
    properties: [
      'producedBy',
      'exposedThrough',
      'containsPII',
      'copyrightOwnedBy',
      'license',
      'policy',
      'name',
      'description',
      'obsoleteDateTime',
      'expirationDateTime',
      'aggregationOf',
    ],
    required: [],
    closed: false,
  },
  InstantiatedVirtualResource: {
    properties: [
      'instanceOf',
      'hostedOn',
      'maintainedBy',
      'tenantOwnedBy',
      'serviceAccessPoint',
      'name',
      'description',
      'license',
      'policy',
      'copyrightOwnedBy',
    ],
    required: [],
    closed: false,
  },
  ServiceAccessPoint: {
    properties: ['name', 'host', 'protocol', 'port', 'version', 'openAPI'],
    required: [],
    closed: false,
  },
  LegitimateInterest: { properties: ['legalBasis', 'dataProtectionContact'], required: [], closed: false },
};

/** Nested structures of 22.10 with their own closed property lists. */
export const NESTED_2210: Readonly<Record<string, TypeShape>> = {
  address: {
    properties: ['countrySubdivisionCode', 'countryCode', 'locality', 'postal-code', 'street-address'],
    required: ['countrySubdivisionCode'],
    closed: true,
  },
  dataAccountExport: {
    properties: ['requestType', 'accessType', 'formatType'],
    required: ['requestType', 'accessType', 'formatType'],
    closed: true,
  },
};

export const SHAPES_2204: Readonly<Record<string, TypeShape & { module: string }>> = {
  LegalPerson: {
    module: 'participant',
    properties: [
      'name',
      'legalName',
      'registrationNumber',
      'headquarterAddress',
      'legalAddress',
      'termsAndConditions',
      'leiCode',
      'parentOrganisation',
      'subOrganisation',
      'ethereumAddress',
    ],
    required: ['legalName', 'registrationNumber', 'headquarterAddress', 'legalAddress', 'termsAndConditions'],
    closed: true,
  },
  ServiceOfferingExperimental: {
    module: 'service-offering',
    properties: [
      'providedBy',
      'name',
      'description',
      'webAddress',
      'termsAndConditions',
      'gdpr',
      'dataProtectionRegime',
      'dataExport',
      'dependsOn',
      'aggregationOf',
      'keyword',
      'endpoint',
    ],
    required: ['providedBy', 'name', 'termsAndConditions', 'gdpr', 'dataExport'],
    closed: true,
  },
};

export const NESTED_2204: Readonly<Record<string, TypeShape>> = {
  address: {
    properties: ['addressCountryCode', 'addressCode', 'streetAddress', 'postalCode', 'locality'],
    required: ['addressCountryCode'],
    closed: true,
  },
  registrationNumber: {
    properties: ['registrationNumberType', 'registrationNumberNumber'],
    required: ['registrationNumberType', 'registrationNumberNumber'],
    closed: true,
  },
  termsAndConditions: { properties: ['url', 'hash'], required: ['url', 'hash'], closed: true },
  gdpr: { properties: ['imprint', 'privacyPolicy'], required: [], closed: true },
  dataExport: {
    properties: ['requestType', 'accessType', 'formatType'],
    required: ['requestType', 'accessType', 'formatType'],
    closed: true,
  },
};

export const REQUEST_TYPES = [
  'API',
  'email',
  'webform',
  'unregisteredLetter',
  'registeredLetter',
  'supportCenter',
] as const;
export const ACCESS_TYPES = ['digital', 'physical'] as const;
export const DATA_PROTECTION_REGIMES = ['GDPR2016', 'LGPD2019', 'PDPA2012', 'CCPA2018', 'VCDPA2021'] as const;
export const SUBDIVISION_CODE = /^[a-zA-Z]{2}-(?:[a-zA-Z]{1,3}|[0-9]{1,3})$/;
export const MEDIA_TYPE = /^\w+\/[-+.\w]+$/i;
export const CRITERIA_RESPONSES = ['Confirm', 'Deny', 'Not applicable'] as const;

/** Label Level 1 criteria gx-compliance requires to be "Confirm" (P5.1.x are Level 2 and 3). */
export const LABEL_LEVEL_1_REQUIRED: readonly string[] = [
  ...range('P1.1', 4),
  ...range('P1.2', 10),
  ...range('P1.3', 5),
  ...range('P2.1', 3),
  ...range('P2.2', 7),
  ...range('P2.3', 3),
  ...range('P3.1', 20),
  ...range('P4.1', 2),
  'P5.2.1',
];

/** Criterion ids a 22.10 criteria object may hold. */
export const LABEL_CRITERIA: ReadonlySet<string> = new Set([
  ...LABEL_LEVEL_1_REQUIRED,
  'P1.1.5',
  ...range('P5.1', 7),
]);

function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}.${i + 1}`);
}

/**
 * The Gaia-X Terms and Conditions text of Trust Framework 22.10: the shape requires this exact value
 * (sh:hasValue of gx:GaiaXTermsAndConditionsShape).
 */
export const TERMS_AND_CONDITIONS_2210 =
  'The PARTICIPANT signing the Self-Description agrees as follows:\n- to update its descriptions about any changes, be it technical, organizational, or legal - especially but not limited to contractual in regards to the indicated attributes present in the descriptions.\n\nThe keypair used to sign Verifiable Credentials will be revoked where Gaia-X Association becomes aware of any inaccurate statements in regards to the claims which result in a non-compliance with the Trust Framework and policy rules defined in the Policy Rules and Labelling Document (PRLD).';

/** The closest known name within two edits, to suggest for a misspelt property. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

// Levenshtein distance over two short property names; a library would be overkill for this one use.
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
