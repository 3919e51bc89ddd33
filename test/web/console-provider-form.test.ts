/**
 * The form generated from the declaration JSON Schema, without a server: every example declaration goes
 * through the form and back unchanged (as a browser would post it), add/remove buttons edit the lists,
 * the validator's paths land on the fields they name with messages in French and English, and every field
 * of the schema has a label in both languages.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateDeclaration } from '../../src/declaration/validate.js';
import { DECLARATION_FORM, declarationForm } from '../../src/web/console/provider/declaration-form.js';
import { compileForm, type Spec } from '../../src/web/console/schema-form.js';
import { applyListAction, type Posted, parseForm } from '../../src/web/console/schema-form-post.js';
import type { FormNode, GroupNode } from '../../src/web/console/schema-form-tree.js';
import { hasMessage, translator } from '../../src/web/i18n/index.js';
import { APPLICATION_STATES } from '../../src/workflow/dashboard.js';
import { repoRoot } from '../helpers/cli.js';

const fr = translator('fr');
const en = translator('en');
const ACTION = '/console/provider/declarations/new';

/** What a browser posts for a form tree: every field, checked choices only, the selected option. */
function posted(tree: GroupNode): Posted {
  const out: Posted = {};
  const put = (name: string, value: string) => {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev as string, value];
  };
  const walk = (n: FormNode) => {
    switch (n.kind) {
      case 'group':
        n.children.forEach(walk);
        break;
      case 'array':
        put(n.count.name, String(n.count.value));
        n.items.forEach(walk);
        break;
      case 'input':
      case 'textarea':
        put(n.name, n.value);
        break;
      case 'select':
        put(n.name, (n.options.find((o) => o.selected) ?? n.options[0])!.value);
        break;
      case 'radios':
      case 'checkboxes':
        for (const o of n.options) if (o.selected) put(n.name, o.value);
        break;
    }
  };
  walk(tree);
  return out;
}

function find(tree: FormNode, name: string): FormNode | undefined {
  if (tree.name === name) return tree;
  const children = tree.kind === 'group' ? tree.children : tree.kind === 'array' ? tree.items : [];
  for (const c of children) {
    const hit = find(c, name);
    if (hit) return hit;
  }
  return undefined;
}

const examples = readdirSync(join(repoRoot, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, doc: JSON.parse(readFileSync(join(repoRoot, 'examples', f), 'utf8')) }));

describe('declaration form generated from the schema', () => {
  it('gives back every example declaration unchanged after a round trip through the form', () => {
    assert.ok(examples.length >= 5);
    for (const { file, doc } of examples) {
      const { $schema: _, ...expected } = doc;
      const form = declarationForm(fr, doc, ACTION);
      assert.deepEqual(parseForm(DECLARATION_FORM, posted(form.tree)), expected, file);
    }
  });

  it('names each field by its path and renders each kind of schema node with its widget', () => {
    const doc = examples.find((e) => e.file === 'secnumcloud-iaas-fr.json')!.doc;
    const tree = declarationForm(fr, doc, ACTION).tree;
    const region = find(tree, 'offer.regions[0].code');
    assert.equal(region?.kind, 'input');
    assert.equal(region.id, 'f-offer-regions-0-code');
    assert.equal(region.label, 'Code de la région (obligatoire)');
    assert.equal(region.value, 'cloudgouv-eu-west-1');
    const regions = find(tree, 'offer.regions');
    assert.equal(regions?.kind, 'array');
    assert.deepEqual(regions.count, { name: '_count.offer.regions', value: 1 });
    assert.equal(regions.add.label, 'Ajouter une région');
    assert.equal(regions.add.formaction, `${ACTION}#f-offer-regions-1`);
    assert.equal(regions.items[0]?.label, 'Région 1');
    assert.equal(regions.items[0]?.remove?.value, 'offer.regions[0]');
    const model = find(tree, 'offer.serviceModel');
    assert.equal(model?.kind, 'select');
    assert.deepEqual(
      model.options.map((o) => o.value),
      ['', 'IaaS', 'CaaS', 'PaaS', 'SaaS'],
    );
    const mfa = find(tree, 'offer.adminMfa');
    assert.equal(mfa?.kind, 'radios');
    assert.deepEqual(
      mfa.options.map((o) => [o.label, o.selected]),
      [
        ['Oui', true],
        ['Non', false],
        ['Non renseigné', false],
      ],
    );
    const activities = find(tree, 'offer.healthDataHosting.activities');
    assert.equal(activities?.kind, 'checkboxes');
    assert.equal(activities.options.length, 6);
    const validUntil = find(tree, 'offer.certifications[0].validUntil');
    assert.equal(validUntil?.kind === 'input' && validUntil.type, 'date');
    const pct = find(tree, 'ownership[1].capitalPct');
    assert.ok(pct?.kind === 'input');
    assert.equal(pct.type, 'number');
    assert.deepEqual(pct.attrs, [
      ['inputmode', 'decimal'],
      ['step', 'any'],
      ['min', '0'],
      ['max', '100'],
    ]);
    const countries = find(tree, 'offer.processingCountries');
    assert.equal(countries?.kind === 'input' && countries.value, 'FR');
    const offer = find(tree, 'offer');
    assert.equal(offer?.kind === 'group' && offer.heading, 2);
    assert.equal(find(tree, 'formatVersion'), undefined, 'a constant is not a field');
    assert.deepEqual(
      declarationForm(fr, doc, ACTION).sections.map((s) => s.anchor),
      ['f-provider', 'f-organisations', 'f-ownership', 'f-offer', 'f-illustrative'],
    );
  });

  it('leaves empty fields out, reads French decimals, upper-cases country codes and keeps bad values as typed', () => {
    const doc = parseForm(DECLARATION_FORM, {
      'provider.id': ' acme ',
      'provider.name': 'Acme SAS',
      'provider.registeredOffice': 'fr',
      'provider.publishesTransferMap': '',
      'provider.registrationNumber.scheme': '',
      'provider.registrationNumber.value': '',
      'offer.id': 'acme-iaas',
      'offer.name': 'Acme IaaS',
      'offer.serviceModel': 'IaaS',
      'offer.processingCountries': 'fr, de;IT',
      'offer.logging.logRetentionDays': 'soixante',
      'offer.logging.incidentNotificationHours': '12,5',
      'offer.adminMfa': 'false',
      '_count.ownership': '1',
      'ownership[0].holder': 'x',
      '_count.offer.regions': '1',
    });
    assert.deepEqual(doc, {
      formatVersion: 1,
      provider: { id: 'acme', name: 'Acme SAS', registeredOffice: 'FR' },
      ownership: [{ holder: 'x' }],
      offer: {
        id: 'acme-iaas',
        name: 'Acme IaaS',
        serviceModel: 'IaaS',
        regions: [{}],
        processingCountries: ['FR', 'DE', 'IT'],
        adminMfa: false,
        logging: { logRetentionDays: 'soixante', incidentNotificationHours: 12.5 },
      },
    });
    assert.deepEqual(parseForm(DECLARATION_FORM, {}), { formatVersion: 1 });
    assert.deepEqual(parseForm(DECLARATION_FORM, { 'offer.id': ['a', 'b'] }), {
      formatVersion: 1,
      offer: { id: 'a' },
    });
  });

  it('adds and removes items of repeatable groups, and refuses paths that name no list', () => {
    const doc: Record<string, unknown> = { formatVersion: 1 };
    assert.equal(applyListAction(DECLARATION_FORM, doc, { add: 'offer.regions' }), true);
    assert.equal(applyListAction(DECLARATION_FORM, doc, { add: 'offer.regions' }), true);
    assert.deepEqual(doc, { formatVersion: 1, offer: { regions: [{}, {}] } });
    (doc.offer as { regions: Array<Record<string, string>> }).regions[1]!.code = 'b';
    assert.equal(applyListAction(DECLARATION_FORM, doc, { remove: 'offer.regions[0]' }), true);
    assert.deepEqual(doc, { formatVersion: 1, offer: { regions: [{ code: 'b' }] } });
    assert.equal(applyListAction(DECLARATION_FORM, doc, { add: 'organisations' }), true);
    assert.deepEqual((doc as Record<string, unknown>).organisations, [{}]);
    for (const bad of [
      'offer.name',
      'offer.processingCountries',
      'nope',
      'offer..regions',
      'offer.regions[x]',
    ]) {
      assert.equal(applyListAction(DECLARATION_FORM, doc, { add: bad }), false, bad);
    }
    assert.equal(applyListAction(DECLARATION_FORM, doc, { remove: 'offer.regions' }), false);
    const before = structuredClone(doc);
    assert.equal(applyListAction(DECLARATION_FORM, doc, { remove: 'offer.regions[7]' }), true);
    assert.deepEqual(doc, before, 'removing an item that does not exist changes nothing');
  });

  it('places the validator issues next to the fields their paths name, in French and in English', () => {
    const doc = parseForm(DECLARATION_FORM, {
      'provider.id': 'acme',
      'provider.name': 'Acme SAS',
      'offer.id': 'acme iaas',
      'offer.name': 'Acme IaaS',
      '_count.offer.regions': '2',
      'offer.regions[0].code': 'par1',
      'offer.regions[0].country': 'XX',
      'offer.regions[1].country': 'FR',
      'offer.processingCountries': 'FR, QQ',
      'offer.logging.logRetentionDays': 'soixante',
      '_count.ownership': '2',
      'ownership[0].holder': 'fund',
      'ownership[0].held': 'acme',
      'ownership[0].capitalPct': '70',
      'ownership[1].holder': 'acme',
      'ownership[1].held': 'acme',
      'ownership[1].capitalPct': '40',
    });
    const result = validateDeclaration(doc);
    assert.equal(result.ok, false);
    const issues = result.ok ? [] : result.issues;
    const form = declarationForm(fr, doc, ACTION, issues);
    const errorsOf = (name: string) => find(form.tree, name)?.errors ?? [];
    assert.deepEqual(errorsOf('offer.serviceModel'), ['Ce champ est obligatoire.']);
    assert.match(errorsOf('offer.id').join(' '), /lettres, chiffres/);
    assert.deepEqual(errorsOf('offer.regions[1].code'), ['Ce champ est obligatoire.']);
    assert.deepEqual(errorsOf('offer.logging.logRetentionDays'), ['Saisissez un nombre entier.']);
    // The declaration's own checks run once the shape is valid (below).
    assert.deepEqual(errorsOf('offer.regions[0].country'), []);
    // The summary links each message to its field, in the order of the form.
    const anchors = form.summary.map((s) => s.anchor);
    assert.ok(anchors.includes('f-offer-serviceModel'));
    assert.ok(anchors.includes('f-offer-regions-1-code'));
    assert.ok(anchors.indexOf('f-offer-id') < anchors.indexOf('f-offer-serviceModel'));
    const english = declarationForm(en, doc, ACTION, issues);
    assert.deepEqual(find(english.tree, 'offer.serviceModel')?.errors, ['This field is required.']);

    // The same document with a valid shape: the declaration's own checks, on their fields too.
    const shaped = structuredClone(doc) as {
      offer: { id: string; serviceModel?: string; regions: Array<{ code?: string }>; logging?: unknown };
    };
    shaped.offer.id = 'acme-iaas';
    shaped.offer.serviceModel = 'IaaS';
    shaped.offer.regions[1]!.code = 'par1';
    delete shaped.offer.logging;
    const semantic = validateDeclaration(shaped);
    assert.equal(semantic.ok, false);
    const placed = declarationForm(fr, shaped, ACTION, semantic.ok ? [] : semantic.issues);
    const at = (name: string) => find(placed.tree, name)?.errors ?? [];
    assert.deepEqual(at('offer.regions[0].country'), ['« XX » n’est pas un code pays ISO attribué.']);
    assert.deepEqual(at('offer.processingCountries'), ['« QQ » n’est pas un code pays ISO attribué.']);
    assert.deepEqual(at('offer.regions[1].code'), ['Le code de région « par1 » est déclaré deux fois.']);
    assert.deepEqual(at('ownership[0].holder'), [
      '« fund » n’est ni le fournisseur ni une organisation déclarée plus haut.',
    ]);
    assert.deepEqual(at('ownership[1].held'), ['Une entité ne peut pas se détenir elle-même.']);
    assert.deepEqual(at('ownership'), [
      'Les participations dans « acme » dépassent 100 % du capital (110 %).',
      'Les participations dans « acme » dépassent 100 % des droits de vote (110 %).',
    ]);
    assert.ok(
      placed.summary.every((s) => !/Valeur refusée/.test(s.message)),
      'every message is known',
    );
  });

  it('has a French and an English label for every field, and a hint wherever the schema describes one', () => {
    const missing: string[] = [];
    const walk = (s: Spec) => {
      const isConst = s.kind === 'scalar' && s.type === 'const';
      if (s.key && !isConst) {
        if (!hasMessage(`console.decl.${s.key}`)) missing.push(s.key);
        if (s.description && !hasMessage(`console.decl.${s.key}.hint`)) missing.push(`${s.key}.hint`);
        if (s.kind === 'array' && !hasMessage(`console.decl.${s.key}.item`)) missing.push(`${s.key}.item`);
        if (s.kind === 'array' && !hasMessage(`console.decl.${s.key}.add`)) missing.push(`${s.key}.add`);
      }
      if (s.kind === 'object') for (const p of s.props) walk(p.spec);
      if (s.kind === 'array') walk(s.item);
    };
    walk(DECLARATION_FORM);
    assert.deepEqual(missing, []);
    for (const key of ['console.decl.offer.regions', 'console.decl.offer.regions.add']) {
      assert.notEqual(fr(key), en(key));
    }
  });

  it('has the console texts built from states and statuses', () => {
    const keys = [
      ...APPLICATION_STATES.map((s) => `console.appState.${s}`),
      ...['pass', 'fail', 'manual-review', 'not-applicable', 'missing-data'].map(
        (s) => `console.criterion.${s}`,
      ),
      ...['attained', 'subject-to-review', 'not-attained'].map((s) => `console.levelStatus.${s}`),
      ...['declaration-saved', 'application-submitted', 'evidence-uploaded', 'application-withdrawn'].map(
        (n) => `console.notice.${n}`,
      ),
    ];
    assert.deepEqual(
      keys.filter((k) => !hasMessage(k)),
      [],
    );
  });

  it('refuses a schema it cannot render rather than leaving fields out', () => {
    assert.throws(
      () => compileForm({ type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } } }),
      /unsupported keyword oneOf at a/,
    );
    assert.throws(
      () => compileForm({ type: 'object', properties: { a: { $ref: '#/$defs/nope' } } }),
      /unresolved reference/,
    );
    assert.throws(
      () =>
        compileForm({
          type: 'object',
          properties: { a: { type: 'array', items: { type: 'array', items: { type: 'string' } } } },
        }),
      /nested lists/,
    );
  });
});
