/**
 * `confiance/verify` is shipped to relying parties: its runtime import graph may only reach jose, node's
 * crypto/zlib and the ledger module (itself pure: node:crypto and canonicalize). No fs, no net, no
 * database, no server code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../../src');
const ALLOWED: Record<string, ReadonlySet<string>> = {
  credentials: new Set(['jose', 'node:crypto', 'node:zlib']),
  ledger: new Set(['node:crypto', 'canonicalize']),
};

/** Runtime imports only: `import type` / `export type` are erased by the compiler. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*from\s*'([^']+)'|^\s*import\s*'([^']+)'/gm;
  for (const m of text.matchAll(pattern)) {
    if (m[5]) specifiers.push(m[5]);
    else if (!m[2]) specifiers.push(m[4]!);
  }
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) specifiers.push(m[1]!);
  return specifiers;
}

it('verify.ts reaches only jose, node:crypto, node:zlib and the ledger', () => {
  const seen = new Set<string>();
  const queue = [join(src, 'credentials/verify.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        const area = relative(src, target).split('/')[0];
        assert.ok(area === 'credentials' || area === 'ledger', `${relative(src, file)} imports ${spec}`);
        queue.push(target);
      } else {
        const area = relative(src, file).split('/')[0]!;
        assert.ok(ALLOWED[area]?.has(spec), `${relative(src, file)} imports ${spec}`);
      }
    }
  }
  assert.ok(
    [...seen].some((f) => f.includes('/ledger/')),
    'the ledger is the default log checker',
  );
  for (const banned of ['keys.ts', 'file-key-provider.ts', 'atomic-file.ts', 'label-credential.ts']) {
    assert.ok(![...seen].some((f) => f.endsWith(`/credentials/${banned}`)), `verify.ts reaches ${banned}`);
  }
});
