/**
 * Every criterion of the referential, each status it can take, as small mutations of one fully compliant
 * declaration. The table is checked against the compiled referential, so a criterion added without
 * fixtures fails here. Each case asserts the status of THAT criterion and that its explanation quotes the
 * fact behind it (region code, percentage, party name…), in both languages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Declaration } from '../../src/declaration/types.js';
import { validateDeclaration } from '../../src/declaration/validate.js';
import { type CriterionResult, evaluate } from '../../src/evaluation/evaluate.js';
import { type CompiledReferential, compileReferential } from '../../src/referential/compile.js';
import { loadReferential } from '../../src/referential/load.js';
import type { CriterionStatus, ReferentialDocument } from '../../src/referential/types.js';

const DATE = '2026-11-29';
const base: Declaration = JSON.parse(
  readFileSync(new URL('../fixtures/declarations/compliant-trusted.json', import.meta.url), 'utf8'),
);
const referential = loadReferential('cloud-de-confiance', '1.0.0');

/** The same referential with the "France only" buyer profile switched on. */
const franceOnly: CompiledReferential = (() => {
  const doc = structuredClone(referential.document) as ReferentialDocument;
  doc.parameters.requireFranceTerritory!.value = true;
  return compileReferential(doc);
})();

type Mutation = (d: Declaration) => void;

interface Case {
  name: string;
  status: CriterionStatus;
  mutate?: Mutation;
  /** Must match the English explanation. */
  en?: RegExp;
  /** Must match the French explanation. */
  fr?: RegExp;
  /** Defaults to the criterion's first data class, so overlays are switched on; null switches them off. */
  dataClass?: string | null;
  referential?: CompiledReferential;
}

// ---------------------------------------------------------------- mutation helpers

const org = (d: Declaration, id: string) => {
  const o = d.organisations?.find((x) => x.id === id);
  assert.ok(o, `fixture has no organisation ${id}`);
  return o;
};
const holding = (d: Declaration, holder: string, held = d.provider.id) => {
  const h = d.ownership?.find((x) => x.holder === holder && x.held === held);
  assert.ok(h, `fixture has no holding ${holder} → ${held}`);
  return h;
};
/** Turns one of the base's direct investors into a non-EU one with the given stake. */
const investor = (
  d: Declaration,
  id: 'investisseur-a' | 'investisseur-b',
  country: string,
  name: string,
  capitalPct: number,
  votingPct?: number,
) => {
  const o = org(d, id);
  o.country = country;
  o.name = name;
  const h = holding(d, id);
  h.capitalPct = capitalPct;
  if (votingPct !== undefined) h.votingPct = votingPct;
};
const snc = (d: Declaration) => {
  const c = d.offer.certifications?.find((x) => x.scheme === 'SecNumCloud');
  assert.ok(c);
  return c;
};
const hds = (d: Declaration) => {
  const c = d.offer.certifications?.find((x) => x.scheme === 'HDS');
  assert.ok(c);
  return c;
};
const usLicensor = {
  name: 'Hyperscaler Corp',
  country: 'US',
  role: 'licensor' as const,
  dataAccess: 'none' as const,
  operationalAutonomy: true,
  canInterruptService: false,
  updatesVettedByOperator: true,
};

// ---------------------------------------------------------------- the table

const CASES: Record<string, Case[]> = {
  'BASE-ISMS-01': [
    {
      name: 'valid certificates',
      status: 'pass',
      en: /Valid certification covering the ISMS: SecNumCloud, ISO27001, HDS\./,
    },
    {
      name: 'ISO 27001 valid up to and including the evaluation day',
      status: 'pass',
      mutate: (d) => {
        d.offer.certifications = [{ scheme: 'ISO27001', status: 'certified', validUntil: DATE }];
      },
      en: /ISO27001/,
    },
    {
      name: 'ISO 27001 expired the day before, SecNumCloud only at J2',
      status: 'fail',
      mutate: (d) => {
        d.offer.certifications = [
          { scheme: 'ISO27001', status: 'certified', validUntil: '2026-11-28' },
          { scheme: 'SecNumCloud', version: '3.2', status: 'J2', regions: ['fr-paris-1'] },
        ];
      },
      en: /declared: ISO27001 \(certified\), SecNumCloud \(J2\)/,
      fr: /déclarées : ISO27001 \(certified\), SecNumCloud \(J2\)/,
    },
    {
      name: 'a SOC 2 report is not an ISMS certificate',
      status: 'fail',
      mutate: (d) => {
        d.offer.certifications = [{ scheme: 'SOC2', status: 'certified', validUntil: '2027-12-31' }];
      },
      en: /declared: SOC2 \(certified\)/,
    },
    {
      name: 'no certification at all',
      status: 'fail',
      mutate: (d) => {
        d.offer.certifications = [];
      },
      en: /declared: none/,
      fr: /déclarées : aucun/,
    },
  ],

  'BASE-CRYPTO-01': [
    {
      name: 'TLS 1.2 and encryption at rest',
      status: 'pass',
      en: /at least TLS 1\.2 in transit \(required: 1\.2\)/,
    },
    {
      name: 'TLS 1.3',
      status: 'pass',
      mutate: (d) => {
        d.offer.encryption!.inTransitMinTls = '1.3';
      },
      en: /TLS 1\.3/,
    },
    {
      name: 'TLS 1.1 fails',
      status: 'fail',
      mutate: (d) => {
        d.offer.encryption!.inTransitMinTls = '1.1';
      },
      en: /lowest TLS 1\.1 where 1\.2 is required/,
      fr: /TLS minimal 1\.1 alors que 1\.2 est exigé/,
    },
    {
      name: 'no encryption at rest',
      status: 'fail',
      mutate: (d) => {
        d.offer.encryption!.atRest = false;
      },
      en: /Encryption at rest: no/,
      fr: /Chiffrement au repos : non/,
    },
  ],

  'BASE-IAM-01': [
    { name: 'MFA', status: 'pass', en: /several factors/ },
    {
      name: 'no MFA',
      status: 'fail',
      mutate: (d) => {
        d.offer.adminMfa = false;
      },
      en: /\(MFA: no\)/,
      fr: /\(MFA : non\)/,
    },
  ],

  'BASE-LOG-01': [
    { name: 'logging and notification', status: 'pass', en: /logging and incident notification/ },
    {
      name: 'no incident notification',
      status: 'fail',
      mutate: (d) => {
        d.offer.logging!.incidentNotification = false;
      },
      en: /Security logging: yes; incident notification: no/,
    },
  ],

  'BASE-EXIT-01': [
    { name: 'formats, deletion and certificate', status: 'pass', en: /deletion certificate/ },
    {
      name: 'no deletion certificate',
      status: 'fail',
      mutate: (d) => {
        d.offer.contract!.reversibility!.deletionCertificate = false;
      },
      en: /The contract lacks: deletionCertificate\./,
    },
    {
      name: 'secure deletion not stated, export formats not documented',
      status: 'fail',
      mutate: (d) => {
        delete d.offer.contract!.reversibility!.secureDeletion;
        d.offer.contract!.reversibility!.exportFormatsDocumented = false;
      },
      en: /lacks: exportFormatsDocumented, secureDeletion\./,
    },
    {
      name: 'the stated commitments hold but one is not stated: missing data, not a failure',
      status: 'missing-data',
      mutate: (d) => {
        delete d.offer.contract!.reversibility!.secureDeletion;
      },
      en: /secureDeletion/,
    },
  ],

  'EU-LOC-01': [
    {
      name: 'French regions',
      status: 'pass',
      en: /Every region is in the EU: fr-paris-1 \(FR\), fr-lyon-1 \(FR\)/,
    },
    {
      name: 'a German region is in the EU',
      status: 'pass',
      mutate: (d) => {
        d.offer.regions!.push({ code: 'de-fra-1', country: 'DE' });
      },
      en: /de-fra-1 \(DE\)/,
    },
    {
      name: 'a US region fails, named',
      status: 'fail',
      mutate: (d) => {
        d.offer.regions!.push({ code: 'us-east-2', country: 'US' });
      },
      en: /Regions outside the EU: us-east-2 \(US\)\./,
      fr: /Régions hors de l'UE : us-east-2 \(US\)\./,
    },
    {
      name: 'requireFranceTerritory: a German region fails',
      status: 'fail',
      referential: franceOnly,
      mutate: (d) => {
        d.offer.regions!.push({ code: 'de-fra-1', country: 'DE' });
      },
      en: /Regions outside France: de-fra-1 \(DE\)\./,
    },
    {
      name: 'requireFranceTerritory: French regions pass',
      status: 'pass',
      referential: franceOnly,
      en: /Every region is in France/,
    },
  ],

  'EU-LOC-02': [
    {
      name: 'processing and backups in France',
      status: 'pass',
      en: /Processing \(FR\) and backups \(FR\) in the EU/,
    },
    {
      name: 'backups in Switzerland',
      status: 'fail',
      mutate: (d) => {
        d.offer.backupCountries = ['FR', 'CH'];
      },
      en: /outside the EU: CH\./,
    },
    {
      name: 'processing and backups in the US, quoted once',
      status: 'fail',
      mutate: (d) => {
        d.offer.processingCountries = ['FR', 'US'];
        d.offer.backupCountries = ['US'];
      },
      en: /outside the EU: US\./,
    },
    {
      name: 'requireFranceTerritory: backups in Belgium fail',
      status: 'fail',
      referential: franceOnly,
      mutate: (d) => {
        d.offer.backupCountries = ['FR', 'BE'];
      },
      en: /outside France: BE\./,
    },
  ],

  'EU-LOC-03': [
    {
      name: 'technical data in France',
      status: 'pass',
      en: /Technical data stored and processed in the EU \(FR\)/,
    },
    {
      name: 'identity directory in the US',
      status: 'fail',
      mutate: (d) => {
        d.offer.technicalDataCountries = ['FR', 'US'];
      },
      en: /Technical data outside the EU: US\./,
    },
  ],

  'EU-OPS-01': [
    {
      name: 'administration and SOC in France',
      status: 'pass',
      en: /Administration \(FR\) and supervision \(FR\)/,
    },
    {
      name: 'SOC in Morocco',
      status: 'fail',
      mutate: (d) => {
        d.offer.operations!.socCountries = ['FR', 'MA'];
      },
      en: /from outside the EU: MA\./,
    },
    {
      name: 'administration and SOC in the US, quoted once',
      status: 'fail',
      mutate: (d) => {
        d.offer.operations!.adminCountries = ['US'];
        d.offer.operations!.socCountries = ['US'];
      },
      en: /from outside the EU: US\./,
    },
  ],

  'EU-OPS-02': [
    { name: 'support from France', status: 'pass', en: /Support from the EU/ },
    {
      name: 'support from the US, listed and controlled from the EU',
      status: 'pass',
      mutate: (d) => {
        d.offer.operations!.supportCountries = ['FR', 'US'];
        d.offer.operations!.nonEuSupport = { operationsListed: true, accessControlledFromEu: true };
      },
      en: /non-EU support \(US\) listed and controlled/,
    },
    {
      name: 'support from India, not framed',
      status: 'fail',
      mutate: (d) => {
        d.offer.operations!.supportCountries = ['FR', 'IN'];
      },
      en: /Support from IN without a list/,
      fr: /Support depuis IN sans liste/,
    },
    {
      name: 'support from the US, listed but not controlled from the EU',
      status: 'fail',
      mutate: (d) => {
        d.offer.operations!.supportCountries = ['US'];
        d.offer.operations!.nonEuSupport = { operationsListed: true, accessControlledFromEu: false };
      },
      en: /Support from US without/,
    },
  ],

  'EU-TRANSP-01': [
    { name: 'locations disclosed', status: 'pass', en: /documents and discloses/ },
    {
      name: 'locations not disclosed',
      status: 'fail',
      mutate: (d) => {
        d.offer.locationDisclosure = false;
      },
      en: /not disclosed/,
    },
  ],

  'CDC-QUAL-01': [
    {
      name: 'qualified 3.2 for both regions',
      status: 'pass',
      en: /Valid SecNumCloud qualification \(qualified 3\.2 → 2028-06-30\) covering regions fr-paris-1, fr-lyon-1\./,
    },
    {
      name: 'one qualification per region',
      status: 'pass',
      mutate: (d) => {
        snc(d).regions = ['fr-paris-1'];
        d.offer.certifications!.push({
          scheme: 'SecNumCloud',
          version: '3.2',
          status: 'qualified',
          regions: ['fr-lyon-1'],
          validUntil: '2029-01-31',
        });
      },
      en: /qualified 3\.2 → 2028-06-30, qualified 3\.2 → 2029-01-31/,
    },
    {
      name: 'qualification valid up to and including the evaluation day',
      status: 'pass',
      mutate: (d) => {
        snc(d).validUntil = DATE;
      },
      en: /→ 2026-11-29/,
    },
    ...(['J0', 'J1', 'J2', 'J3'] as const).map(
      (milestone): Case => ({
        name: `milestone ${milestone} never passes`,
        status: 'fail',
        mutate: (d) => {
          snc(d).status = milestone;
        },
        en: new RegExp(
          `declared: ${milestone} 3\\.2 → 2028-06-30; regions not covered: fr-paris-1, fr-lyon-1`,
        ),
      }),
    ),
    {
      name: 'expired the day before',
      status: 'fail',
      mutate: (d) => {
        snc(d).validUntil = '2026-11-28';
      },
      en: /declared: qualified 3\.2 → 2026-11-28; regions not covered: fr-paris-1, fr-lyon-1/,
      fr: /déclarée : qualified 3\.2 → 2026-11-28 ; régions non couvertes : fr-paris-1, fr-lyon-1/,
    },
    {
      name: 'withdrawn',
      status: 'fail',
      mutate: (d) => {
        snc(d).status = 'withdrawn';
      },
      en: /declared: withdrawn 3\.2/,
    },
    {
      name: 'qualification not covering one region, named',
      status: 'fail',
      mutate: (d) => {
        snc(d).regions = ['fr-paris-1'];
      },
      en: /regions not covered: fr-lyon-1\)\./,
    },
    {
      name: 'version 3.1 is below the minimum',
      status: 'fail',
      mutate: (d) => {
        snc(d).version = '3.1';
      },
      en: /No valid SecNumCloud 3\.2 qualification .*declared: qualified 3\.1 → 2028-06-30; regions not covered: fr-paris-1, fr-lyon-1/,
    },
    {
      name: 'no end of validity declared',
      status: 'fail',
      mutate: (d) => {
        delete snc(d).validUntil;
      },
      en: /declared: qualified 3\.2;/,
    },
    {
      name: 'ISO 27001 only',
      status: 'fail',
      mutate: (d) => {
        d.offer.certifications = d.offer.certifications!.filter((c) => c.scheme !== 'SecNumCloud');
      },
      en: /declared: none; regions not covered: fr-paris-1, fr-lyon-1/,
    },
  ],

  'CDC-CORP-01': [
    {
      name: 'all in France',
      status: 'pass',
      en: /Registered office FR, central administration FR, principal establishment FR: all in the EU/,
    },
    {
      name: 'central administration in the US',
      status: 'fail',
      mutate: (d) => {
        d.provider.centralAdministration = 'US';
      },
      en: /central administration US/,
    },
    {
      name: 'principal establishment in the UK',
      status: 'fail',
      mutate: (d) => {
        d.provider.principalEstablishment = 'GB';
      },
      en: /principal establishment GB: at least one outside the EU/,
    },
  ],

  'CDC-CORP-02': [
    {
      name: 'EU shareholders only',
      status: 'pass',
      en: /Largest non-EU stake 0 % of capital and 0 % of votes/,
    },
    {
      name: 'a non-EU holder at exactly 24 % passes the single cap',
      status: 'pass',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 24);
        holding(d, 'investisseur-b').capitalPct = 16;
      },
      en: /Largest non-EU stake 24 % of capital .*Alpha Capital LLC → Nuage Exemple SA 24 % ⇒ 24 %/,
      fr: /24 % du capital/,
    },
    {
      name: 'a non-EU holder at 24.01 % fails the single cap',
      status: 'fail',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 24.01);
        holding(d, 'investisseur-b').capitalPct = 15.99;
      },
      en: /Largest non-EU stake 24\.01 % of capital and 18 % of votes \(cap 24 %\).*Alpha Capital LLC → Nuage Exemple SA 24\.01 % ⇒ 24\.01 %/,
      fr: /24,01 % du capital/,
    },
    {
      name: 'two non-EU holders at 39 % together pass the aggregate cap',
      status: 'pass',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 20);
        investor(d, 'investisseur-b', 'CA', 'Maple Ventures Inc.', 19);
        holding(d, 'salaries').capitalPct = 6;
      },
      en: /together 39 % \/ 36 % \(≤ 39 %\)/,
    },
    {
      name: 'two non-EU holders at 40 % together fail the aggregate cap',
      status: 'fail',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 20);
        investor(d, 'investisseur-b', 'CA', 'Maple Ventures Inc.', 20);
      },
      en: /together 40 % \/ 36 % \(cap 39 %\).*Alpha Capital LLC.*Maple Ventures Inc\./,
    },
    {
      name: 'votes over the cap with capital under it fail',
      status: 'fail',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 20, 25);
        holding(d, 'groupe-holding').votingPct = 53;
      },
      en: /20 % of capital and 25 % of votes \(cap 24 %\)/,
    },
    {
      name: 'a non-EU party controlling the holding counts its whole stake, chain quoted',
      status: 'fail',
      mutate: (d) => {
        org(d, 'famille').country = 'US';
        org(d, 'famille').name = 'US Family Office LLC';
      },
      en: /55 % of capital and 60 % of votes.*US Family Office LLC → Groupe Nuage Holding SAS \(70 %, controlled\) → Nuage Exemple SA 55 % ⇒ 55 %/,
      fr: /US Family Office LLC → Groupe Nuage Holding SAS \(70 %, contrôlée\) → Nuage Exemple SA 55 % ⇒ 55 %/,
    },
    {
      name: 'a non-EU minority in the holding counts pro rata',
      status: 'pass',
      mutate: (d) => {
        org(d, 'banque').country = 'US';
        org(d, 'banque').name = 'US Bank Corp';
      },
      en: /16\.5 % of capital and 18 % of votes.*US Bank Corp → Groupe Nuage Holding SAS \(30 %\) → Nuage Exemple SA 55 % ⇒ 16\.5 %/,
      fr: /16,5 % du capital/,
    },
  ],

  'CDC-CORP-03': [
    { name: 'no special rights', status: 'pass', en: /No non-EU entity holds a veto/ },
    {
      name: 'an EU holder with a veto is not concerned',
      status: 'pass',
      mutate: (d) => {
        holding(d, 'investisseur-a').vetoRight = true;
      },
    },
    {
      name: 'a non-EU minority with a veto',
      status: 'fail',
      mutate: (d) => {
        investor(d, 'investisseur-a', 'US', 'Alpha Capital LLC', 10);
        holding(d, 'investisseur-a').vetoRight = true;
      },
      en: /Non-EU special rights: investisseur-a : vetoRight; controlled by: none\./,
    },
    {
      name: 'a non-EU minority appointing the board majority',
      status: 'fail',
      mutate: (d) => {
        investor(d, 'investisseur-b', 'CH', 'Helvetia Partners AG', 10);
        holding(d, 'investisseur-b').appointsBoardMajority = true;
      },
      en: /investisseur-b : appointsBoardMajority/,
    },
    {
      name: 'a veto held by an EU fund controlled from the US',
      status: 'fail',
      mutate: (d) => {
        d.organisations!.push({ id: 'us-parent', name: 'US Parent Inc.', country: 'US', kind: 'company' });
        d.ownership!.push({ holder: 'us-parent', held: 'investisseur-a', capitalPct: 100 });
        holding(d, 'investisseur-a').vetoRight = true;
      },
      en: /us-parent : vetoRight/,
    },
    {
      name: 'the provider controlled from the US through its holding',
      status: 'fail',
      mutate: (d) => {
        org(d, 'famille').country = 'US';
      },
      en: /controlled by: famille\./,
    },
  ],

  'CDC-IMM-01': [
    { name: 'no non-EU third party', status: 'pass' },
    {
      name: 'a non-EU hardware supplier without access',
      status: 'pass',
      mutate: (d) => {
        d.offer.thirdParties!.push({
          name: 'Hardware Corp',
          country: 'US',
          role: 'hardware',
          dataAccess: 'none',
          operationalAutonomy: true,
        });
      },
      en: /\(Hardware Corp\) can access data/,
    },
    {
      name: 'a US support contractor with supervised access',
      status: 'fail',
      mutate: (d) => {
        d.offer.thirdParties!.push({
          name: 'Acme Support Inc.',
          country: 'US',
          role: 'support',
          dataAccess: 'supervised',
          operationalAutonomy: true,
        });
      },
      en: /with technical access to data: Acme Support Inc\. \(US, supervised\)\./,
    },
    {
      name: 'an EU subcontractor controlled from outside the EU with full access',
      status: 'fail',
      mutate: (d) => {
        const t = d.offer.thirdParties!.find((x) => x.name === 'Maintenance Réseau SARL')!;
        t.controlledFromOutsideEu = true;
        t.dataAccess = 'full';
      },
      en: /Maintenance Réseau SARL \(FR, full\)/,
    },
  ],

  'CDC-IMM-02': [
    { name: 'EU third parties with autonomy', status: 'pass', en: /no way to cut the service off/ },
    {
      name: 'an EU licensor vetting updates needs no review',
      status: 'pass',
      mutate: (d) => {
        d.offer.thirdParties!.push({ ...usLicensor, name: 'Logiciel Libre SAS', country: 'FR' });
      },
    },
    {
      name: 'a SecNumCloud-qualified third party needs no autonomy statement',
      status: 'pass',
      mutate: (d) => {
        d.offer.thirdParties!.push({
          name: 'IaaS Qualifié SAS',
          country: 'FR',
          role: 'subcontractor',
          dataAccess: 'none',
          secNumCloudQualified: true,
        });
      },
    },
    {
      name: 'a non-EU licensor that passes goes to an assessor',
      status: 'manual-review',
      mutate: (d) => {
        d.offer.thirdParties!.push(usLicensor);
      },
      en: /non-EU licensors Hyperscaler Corp \(US\): an assessor must check/,
      fr: /concédants extra-européens Hyperscaler Corp \(US\)/,
    },
    {
      name: 'a licensor whose updates are not vetted',
      status: 'fail',
      mutate: (d) => {
        d.offer.thirdParties!.push({ ...usLicensor, updatesVettedByOperator: false });
      },
      en: /towards: Hyperscaler Corp\./,
    },
    {
      name: 'a licensor able to cut the service off',
      status: 'fail',
      mutate: (d) => {
        d.offer.thirdParties!.push({ ...usLicensor, canInterruptService: true });
      },
      en: /towards: Hyperscaler Corp\./,
    },
    {
      name: 'an EU subcontractor without declared autonomy',
      status: 'fail',
      mutate: (d) => {
        delete d.offer.thirdParties!.find((x) => x.name === 'Maintenance Réseau SARL')!.operationalAutonomy;
      },
      en: /towards: Maintenance Réseau SARL\./,
    },
  ],

  // SecNumCloud §19.6.e is an assessment factor: the rule never passes nor fails by itself (see ALWAYS_REVIEWED).
  'CDC-IMM-03': [
    {
      name: 'no links declared still goes to an assessor',
      status: 'manual-review',
      en: /foreign government: no \(none\); an assessor must judge them/,
      fr: /gouvernement étranger : non \(aucun\)/,
    },
    {
      name: 'declared links go to an assessor with their details',
      status: 'manual-review',
      mutate: (d) => {
        d.provider.foreignGovernmentLinks = {
          declared: true,
          details: 'contrat de R&D avec une agence fédérale américaine',
        };
      },
      en: /foreign government: yes \(contrat de R&D avec une agence fédérale américaine\)/,
    },
  ],

  'CDC-IMM-04': [
    { name: '30 days', status: 'pass', en: /within 30 days \(at most 30\)/ },
    {
      name: 'immediately',
      status: 'pass',
      mutate: (d) => {
        d.offer.contract!.changeNoticeDays = 0;
      },
      en: /within 0 days/,
    },
    {
      name: '31 days',
      status: 'fail',
      mutate: (d) => {
        d.offer.contract!.changeNoticeDays = 31;
      },
      en: /Notice of 31 days, beyond the 30 days allowed/,
      fr: /Délai d'information de 31 jours/,
    },
  ],

  'CDC-IMM-05': [
    { name: 'documented', status: 'pass', en: /\(DOC-RISK-EXTRA-2026\)/ },
    {
      name: 'not documented',
      status: 'fail',
      mutate: (d) => {
        d.provider.extraterritorialRiskAssessment = { documented: false };
      },
      en: /not documented/,
    },
  ],

  'CDC-OPS-01': [
    {
      name: 'everything from France',
      status: 'pass',
      en: /Support, administration and SOC from the EU \(FR\)/,
    },
    {
      name: 'US support, even listed and controlled from the EU',
      status: 'fail',
      mutate: (d) => {
        d.offer.operations!.supportCountries = ['FR', 'US'];
        d.offer.operations!.nonEuSupport = { operationsListed: true, accessControlledFromEu: true };
      },
      en: /Operations run outside the EU: US\./,
    },
    {
      name: 'requireFranceTerritory: administration from Germany fails',
      status: 'fail',
      referential: franceOnly,
      mutate: (d) => {
        d.offer.operations!.adminCountries = ['FR', 'DE'];
      },
      en: /Operations run outside France: DE\./,
    },
    {
      name: 'administration from Germany passes by default',
      status: 'pass',
      mutate: (d) => {
        d.offer.operations!.adminCountries = ['FR', 'DE'];
      },
      en: /\(DE, FR\)/,
    },
  ],

  'CDC-ACC-01': [
    { name: 'forbidden', status: 'pass', en: /Third-party remote access: forbidden\./ },
    {
      name: 'with written consent',
      status: 'pass',
      mutate: (d) => {
        d.offer.contract!.thirdPartyRemoteAccess = 'with-customer-written-consent';
      },
      en: /with-customer-written-consent/,
    },
    {
      name: 'allowed',
      status: 'fail',
      mutate: (d) => {
        d.offer.contract!.thirdPartyRemoteAccess = 'allowed';
      },
      en: /without the customer's written consent \(allowed\)/,
    },
  ],

  'CDC-CONTRACT-01': [
    { name: 'termination clause', status: 'pass', en: /allows termination without penalty/ },
    {
      name: 'no termination clause',
      status: 'fail',
      mutate: (d) => {
        d.offer.contract!.terminationOnQualificationLoss = false;
      },
      en: /no penalty-free termination/,
    },
  ],

  'HDS-01': [
    {
      name: 'HDS 2024 for all six activities',
      status: 'pass',
      en: /Valid HDS 2024 certificate covering activities 1, 2, 3, 4, 5, 6/,
    },
    {
      name: 'a certificate of the 2018 referential',
      status: 'fail',
      mutate: (d) => {
        hds(d).version = '2018';
      },
      en: /not covered by a valid HDS 2024 certificate \(declared: certified 2018\)/,
    },
    {
      name: 'an activity outside the certificate',
      status: 'fail',
      mutate: (d) => {
        hds(d).activities = [1, 2, 3, 4, 5];
      },
      en: /Activities 1, 2, 3, 4, 5, 6 not covered/,
    },
    {
      name: 'an expired certificate',
      status: 'fail',
      mutate: (d) => {
        hds(d).validUntil = '2026-05-16';
      },
      en: /declared: certified 2024/,
    },
    {
      name: 'off without the health data class',
      status: 'not-applicable',
      dataClass: null,
      en: /Applies to health data only/,
    },
  ],

  'HDS-02': [
    { name: 'France', status: 'pass', en: /Health data hosted in the EEA \(FR\)/ },
    {
      name: 'Norway is in the EEA',
      status: 'pass',
      mutate: (d) => {
        d.offer.backupCountries = ['FR', 'NO'];
      },
      en: /\(FR, NO\)/,
    },
    {
      name: 'backups in Switzerland',
      status: 'fail',
      mutate: (d) => {
        d.offer.backupCountries = ['FR', 'CH'];
      },
      en: /outside the EEA: CH\./,
    },
    {
      name: 'a region in the US',
      status: 'fail',
      mutate: (d) => {
        d.offer.regions!.push({ code: 'us-east-2', country: 'US' });
      },
      en: /outside the EEA: US\./,
    },
    { name: 'off for another data class', status: 'not-applicable', dataClass: 'defence' },
  ],

  'HDS-03': [
    { name: 'map published', status: 'pass', en: /is published/ },
    {
      name: 'map not published',
      status: 'fail',
      mutate: (d) => {
        d.provider.publishesTransferMap = false;
      },
      en: /is not published/,
    },
    { name: 'off without the health data class', status: 'not-applicable', dataClass: null },
  ],
};

/** Criteria whose rule sends every complete declaration to an assessor: no automatic pass or fail exists. */
const ALWAYS_REVIEWED = new Set(['CDC-IMM-03']);

// ---------------------------------------------------------------- generated cases

/**
 * Deleting each required field in turn gives missing-data naming that field. The declaration stays
 * valid: a field the schema requires inside its object goes with that object, and certificates stop
 * naming regions that are no longer declared.
 */
function missingDataCases(paths: string[][]): Case[] {
  return paths.map((path) => ({
    name: `without ${path.join('.')}`,
    status: 'missing-data' as const,
    mutate: (d: Declaration) => {
      const remove = (keys: string[]) => {
        let node = d as unknown as Record<string, unknown>;
        for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
        delete node[keys.at(-1)!];
      };
      remove(path);
      if (path.join('.') === 'offer.regions') {
        for (const c of d.offer.certifications ?? []) delete c.regions;
      }
      const check = validateDeclaration(structuredClone(d));
      if (
        !check.ok &&
        check.issues.some((i) => i.message === 'is required' && i.path === `$.${path.join('.')}`)
      ) {
        remove(path.slice(0, -1));
      }
    },
    en: new RegExp(`Missing from the declaration: .*${path.join('\\.')}`),
    fr: new RegExp(`Donnée manquante dans la déclaration : .*${path.join('\\.')}`),
  }));
}

function casesFor(id: string): Case[] {
  const compiled = referential.criteria.find((c) => c.definition.id === id)!;
  return [...(CASES[id] ?? []), ...missingDataCases(compiled.requires)];
}

// ---------------------------------------------------------------- running

function evaluateCase(id: string, c: Case): { en: CriterionResult; fr: CriterionResult } {
  const d = structuredClone(base);
  c.mutate?.(d);
  const valid = validateDeclaration(d);
  assert.ok(
    valid.ok,
    `the mutated fixture must stay a valid declaration: ${JSON.stringify(!valid.ok && valid.issues)}`,
  );
  const ref = c.referential ?? referential;
  const def = ref.criteria.find((x) => x.definition.id === id)!.definition;
  const dataClass = c.dataClass === undefined ? def.dataClasses?.[0] : c.dataClass;
  const run = (lang: 'fr' | 'en') => {
    const result = evaluate(ref, valid.declaration, {
      date: DATE,
      lang,
      ...(dataClass ? { dataClass } : {}),
    });
    const criterion = result.criteria.find((x) => x.id === id);
    assert.ok(criterion, `${id} is in the result`);
    return criterion;
  };
  return { en: run('en'), fr: run('fr') };
}

describe('every criterion has fixtures', () => {
  for (const compiled of referential.criteria) {
    const def = compiled.definition;
    it(`${def.id} has pass, fail, missing-data and not-applicable cases as its rule allows`, () => {
      const statuses = new Set(casesFor(def.id).map((c) => c.status));
      if (ALWAYS_REVIEWED.has(def.id)) {
        // Keep the exemption honest: it only holds while the rule really cannot pass or fail on its own.
        assert.equal(def.rule.pass.trim(), 'true', `${def.id} is exempted from pass/fail fixtures`);
        assert.equal(def.rule.review?.trim(), 'true', `${def.id} is exempted from pass/fail fixtures`);
        assert.ok(statuses.has('manual-review'), `${def.id} needs a manual-review case`);
      } else {
        assert.ok(statuses.has('pass'), `${def.id} needs a passing case`);
        assert.ok(statuses.has('fail'), `${def.id} needs a failing case`);
      }
      if (def.rule.review && !ALWAYS_REVIEWED.has(def.id)) {
        assert.ok(
          statuses.has('manual-review'),
          `${def.id} has a review rule and needs a manual-review case`,
        );
      }
      if ((def.rule.requires ?? []).length > 0)
        assert.ok(statuses.has('missing-data'), `${def.id} needs missing-data`);
      if (def.dataClasses) assert.ok(statuses.has('not-applicable'), `${def.id} needs a not-applicable case`);
    });
  }

  it('the table names no criterion the referential lacks', () => {
    const ids = new Set(referential.criteria.map((c) => c.definition.id));
    assert.deepEqual(
      Object.keys(CASES).filter((id) => !ids.has(id)),
      [],
    );
  });

  it('the base declaration is fully compliant (trusted once CDC-IMM-03 is reviewed)', () => {
    const valid = validateDeclaration(structuredClone(base));
    assert.ok(valid.ok);
    const result = evaluate(referential, valid.declaration, { date: DATE, lang: 'en', dataClass: 'health' });
    const notPassing = result.criteria.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`);
    assert.deepEqual(notPassing, ['CDC-IMM-03:manual-review']);
    assert.equal(result.levelSubjectToReview, 'trusted');
  });
});

for (const compiled of referential.criteria) {
  const id = compiled.definition.id;
  describe(id, () => {
    for (const c of casesFor(id)) {
      it(`${c.status}: ${c.name}`, () => {
        const { en, fr } = evaluateCase(id, c);
        assert.equal(en.status, c.status, `${id} status (explanation: ${en.explanation})`);
        assert.equal(fr.status, c.status);
        for (const r of [en, fr]) {
          assert.ok(r.explanation.trim().length > 0, `${id} has an explanation`);
          assert.doesNotMatch(r.explanation, /\{[A-Za-z][A-Za-z0-9_]*\}/, 'no unreplaced placeholder');
        }
        assert.notEqual(en.explanation, fr.explanation, 'explanations are translated');
        if (c.en) assert.match(en.explanation, c.en);
        if (c.fr) assert.match(fr.explanation, c.fr);
        if (c.status === 'missing-data')
          assert.ok(en.missing && en.missing.length > 0, 'missing fields are listed');
      });
    }
  });
}

describe('edge cases across criteria', () => {
  it('US support listed and controlled from the EU passes EU-OPS-02 but fails CDC-OPS-01', () => {
    const d = structuredClone(base);
    d.offer.operations!.supportCountries = ['FR', 'US'];
    d.offer.operations!.nonEuSupport = { operationsListed: true, accessControlledFromEu: true };
    const result = evaluate(referential, d, { date: DATE, lang: 'en' });
    const status = (id: string) => result.criteria.find((c) => c.id === id)?.status;
    assert.equal(status('EU-OPS-02'), 'pass');
    assert.equal(status('CDC-OPS-01'), 'fail');
    assert.equal(result.level, 'eu-data');
    assert.deepEqual(result.levels.find((l) => l.id === 'trusted')?.blocking, ['CDC-OPS-01']);
  });

  it('requireFranceTerritory changes the territory, not the EU rules of SecNumCloud §19.2.e and §19.6', () => {
    const d = structuredClone(base);
    org(d, 'investisseur-a').country = 'DE';
    d.offer.operations!.supportCountries = ['FR', 'BE'];
    const result = evaluate(franceOnly, d, { date: DATE, lang: 'fr' });
    const byId = new Map(result.criteria.map((c) => [c.id, c]));
    assert.equal(byId.get('EU-OPS-02')?.status, 'pass', 'non-EU support is about the EU');
    assert.equal(byId.get('CDC-CORP-02')?.status, 'pass', 'the ownership caps are about the EU');
    assert.equal(byId.get('CDC-OPS-01')?.status, 'fail');
    assert.match(byId.get('CDC-OPS-01')!.explanation, /hors de France : BE/);
  });

  it('one absent field makes every criterion that needs it missing-data, naming it, and nothing else', () => {
    const d = structuredClone(base);
    delete d.offer.operations!.socCountries;
    const result = evaluate(referential, d, { date: DATE, lang: 'en' });
    const missing = result.criteria.filter((c) => c.status === 'missing-data');
    assert.deepEqual(
      missing.map((c) => [c.id, c.missing]),
      [
        ['EU-OPS-01', ['offer.operations.socCountries']],
        ['CDC-OPS-01', ['offer.operations.socCountries']],
      ],
    );
    assert.deepEqual(missing[0]!.facts, {}, 'nothing is quoted for a criterion that could not be evaluated');
  });
});
