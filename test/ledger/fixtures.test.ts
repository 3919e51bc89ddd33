/**
 * transparency-dev/merkle's RFC 6962 probe files (testdata/{inclusion,consistency}): one test per file,
 * our verdict must equal `wantErr`. Read from the shared fixtures folder next to the repository; CI
 * has it, a bare checkout may not, in which case the suite is skipped with a message.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkConsistency, checkInclusion } from '../../src/ledger/merkle.js';
import { b64 } from './helpers.js';

const ROOT = fileURLToPath(
  new URL('../../../shared/fixtures/merkle/transparency-dev-testdata/', import.meta.url),
);

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith('.json')) yield path;
  }
}

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

// Go marshals nil slices as null; leaf indices like 2^64 - 1 parse as unsafe numbers and must be refused.
const bytes = (s: string | null) => b64(s ?? '');
const proofOf = (p: string[] | null) => (p ?? []).map(bytes);

for (const kind of ['inclusion', 'consistency'] as const) {
  const dir = join(ROOT, kind);
  const present = existsSync(dir);
  describe(`transparency-dev ${kind} probes`, {
    skip: present ? false : `fixtures not found at ${dir}`,
  }, () => {
    if (!present) return;
    const files = [...walk(dir)];
    // SOURCES.md: 196 files, 98 of each kind. A shorter list means a broken copy, not fewer bugs.
    test('the probe set is complete', () => assert.equal(files.length, 98));
    for (const file of files) {
      const name = relative(ROOT, file);
      test(name, () => {
        const probe = JSON.parse(readFileSync(file, 'utf8')) as InclusionProbe & ConsistencyProbe;
        const result =
          kind === 'inclusion'
            ? checkInclusion(
                bytes(probe.leafHash),
                probe.leafIdx,
                probe.treeSize,
                proofOf(probe.proof),
                bytes(probe.root),
              )
            : checkConsistency(
                probe.size1,
                probe.size2,
                proofOf(probe.proof),
                bytes(probe.root1),
                bytes(probe.root2),
              );
        assert.equal(!result.ok, probe.wantErr, `${probe.desc}: got ${JSON.stringify(result)}`);
      });
    }
  });
}
