/** Reading referentials from referentials/<id>/<version>.yaml, validated and compiled. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ajvIssues, compileSchema, readSchema } from '../util/schema.js';
import { type Issue, parseYamlSource, pathToSegments, SourceError } from '../util/source.js';
import { type CompiledReferential, compileReferential, ReferentialError } from './compile.js';
import type { ReferentialDocument } from './types.js';

export const referentialSchema = readSchema('referential.schema.json');
let validator: ReturnType<typeof compileSchema> | undefined;

export const DEFAULT_REFERENTIAL_DIR = fileURLToPath(new URL('../../referentials/', import.meta.url));
export const DEFAULT_REFERENTIAL_ID = 'cloud-de-confiance';

/** Validates and compiles a referential from YAML (or JSON) text; throws ReferentialError listing every issue. */
export function parseReferential(text: string): CompiledReferential {
  let source: ReturnType<typeof parseYamlSource>;
  try {
    source = parseYamlSource(text);
  } catch (err) {
    if (err instanceof SourceError) throw new ReferentialError(err.message, err.issues);
    throw err;
  }
  const locate = (issues: Issue[]) =>
    issues.map((issue) => {
      const pos = source.locate(pathToSegments(issue.path));
      return pos ? { ...issue, line: pos.line, column: pos.column } : issue;
    });
  validator ??= compileSchema(referentialSchema);
  if (!validator(source.value)) {
    throw new ReferentialError('referential does not match its schema', locate(ajvIssues(validator.errors)));
  }
  try {
    return compileReferential(source.value as ReferentialDocument);
  } catch (err) {
    if (err instanceof ReferentialError) throw new ReferentialError(err.message, locate(err.issues));
    throw err;
  }
}

export function loadReferentialFile(path: string): CompiledReferential {
  return parseReferential(readFileSync(path, 'utf8'));
}

export interface ReferentialRef {
  id: string;
  version: string;
  path: string;
}

/** Every referential version found under a directory, oldest version first within each id. */
export function listReferentials(dir = DEFAULT_REFERENTIAL_DIR): ReferentialRef[] {
  const refs: ReferentialRef[] = [];
  for (const id of readdirSync(dir, { withFileTypes: true })) {
    if (!id.isDirectory()) continue;
    for (const file of readdirSync(join(dir, id.name))) {
      const m = /^(\d+\.\d+\.\d+)\.ya?ml$/.exec(file);
      if (m) refs.push({ id: id.name, version: m[1]!, path: join(dir, id.name, file) });
    }
  }
  return refs.sort((a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version));
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const cache = new Map<string, CompiledReferential>();

/** The latest (or a given) version of a referential, compiled once per process. */
export function loadReferential(
  id = DEFAULT_REFERENTIAL_ID,
  version?: string,
  dir = DEFAULT_REFERENTIAL_DIR,
) {
  const candidates = listReferentials(dir).filter((r) => r.id === id);
  const ref = version ? candidates.find((r) => r.version === version) : candidates.at(-1);
  if (!ref) {
    const known = candidates.map((r) => r.version).join(', ') || 'none';
    throw new ReferentialError(`referential ${id}${version ? `@${version}` : ''} not found`, [
      { path: '$', message: `versions available: ${known}` },
    ]);
  }
  const key = `${ref.path}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = loadReferentialFile(ref.path);
    if (compiled.document.id !== ref.id || compiled.document.version !== ref.version) {
      throw new ReferentialError(`referential file ${ref.path} does not match its name`, [
        { path: '$.id', message: `file says ${compiled.document.id}@${compiled.document.version}` },
      ]);
    }
    cache.set(key, compiled);
  }
  return compiled;
}
