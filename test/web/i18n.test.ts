/**
 * The message catalogues: every key a template or a page module names exists in French and English,
 * including keys built from a value (levels, states, statuses), and both languages have the same keys.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LABEL_LEVELS } from '../../src/credentials/label-credential.js';
import { STATUS_PRECEDENCE } from '../../src/credentials/verify.js';
import { commonMessages } from '../../src/web/i18n/common.js';
import { consoleMessages } from '../../src/web/i18n/console.js';
import { hasMessage, translator } from '../../src/web/i18n/index.js';
import { publicMessages } from '../../src/web/i18n/public.js';
import { APPLICATION_STATES } from '../../src/workflow/dashboard.js';
import { PUBLIC_STATES } from '../../src/workflow/registry/query.js';
import { repoRoot } from '../helpers/cli.js';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('message catalogues', () => {
  it('has the same keys in French and English, and no empty text in the shared and public ones', () => {
    for (const [name, cat] of Object.entries({ commonMessages, publicMessages, consoleMessages })) {
      const fr = Object.keys(cat.fr).sort();
      assert.deepEqual(Object.keys(cat.en).sort(), fr, name);
      // The consoles use empty texts on purpose (a field without a hint).
      if (cat === consoleMessages) continue;
      for (const lang of ['fr', 'en'] as const) {
        for (const [key, text] of Object.entries(cat[lang] as Record<string, string>)) {
          assert.ok(text.trim().length > 0, `${name}.${lang}: ${key} is empty`);
        }
      }
    }
  });

  it('defines every literal key that a template or a page module names', () => {
    const web = join(repoRoot, 'src', 'web');
    const missing: string[] = [];
    for (const file of files(web, /\.(eta|ts)$/)) {
      if (file.includes(`${join('src', 'web', 'i18n')}`)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/['"`]((?:common|public|console)\.[A-Za-z0-9.-]+)['"`]/g)) {
        const key = m[1]!;
        // Keys completed at run time ('public.cert.' + status) end with a dot; checked below.
        if (key.endsWith('.')) continue;
        if (!hasMessage(key)) missing.push(`${file.slice(repoRoot.length)}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('defines the keys built from levels, states and statuses', () => {
    const keys = [
      ...LABEL_LEVELS.map((l) => `common.level.${l}`),
      ...PUBLIC_STATES.map((s) => `common.state.${s}`),
      ...STATUS_PRECEDENCE.map((s) => `public.verify.status.${s}`),
      ...APPLICATION_STATES.map((s) => `public.application.${s}`),
      ...['pass', 'fail', 'manual-review', 'not-applicable', 'missing-data'].map(
        (s) => `public.criterion.${s}`,
      ),
      ...['J0', 'J1', 'J2', 'J3', 'qualified', 'certified', 'withdrawn', 'expired'].map(
        (s) => `public.cert.${s}`,
      ),
      ...['level', 'country', 'serviceModel', 'provider', 'certification', 'state'].map(
        (f) => `public.facet.${f}`,
      ),
      ...['suspended', 'revoked', 'expired'].map((s) => `public.offer.notActive.${s}`),
    ];
    assert.deepEqual(
      keys.filter((k) => !hasMessage(k)),
      [],
    );
  });

  it('fills parameters and leaves unknown ones visible', () => {
    const t = translator('en');
    assert.equal(t('common.signedInAs', { name: 'Ada' }), 'Signed in: Ada');
    assert.equal(t('common.signedInAs'), 'Signed in: {name}');
    assert.equal(translator('fr')('no.such.key'), 'no.such.key');
  });
});
