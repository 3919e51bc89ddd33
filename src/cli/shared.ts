/** Option parsing shared by several commands. */
import { existsSync } from 'node:fs';
import { type CompiledReferential, ReferentialError } from '../referential/compile.js';
import { loadReferential, loadReferentialFile } from '../referential/load.js';
import type { Lang } from '../referential/types.js';
import { CliError, EXIT } from './errors.js';

export function parseLang(value: string | undefined): Lang {
  if (value === undefined || value === 'fr' || value === 'en') return value ?? 'fr';
  throw new CliError(`unsupported language "${value}"`, EXIT.badInput, [
    { path: '--lang', message: 'fr or en' },
  ]);
}

/** `cloud-de-confiance`, `cloud-de-confiance@1.0.0`, or a path to a referential file. */
export function resolveReferential(spec: string | undefined): CompiledReferential {
  try {
    if (
      spec &&
      (spec.endsWith('.yaml') || spec.endsWith('.yml') || spec.endsWith('.json') || existsSync(spec))
    ) {
      return loadReferentialFile(spec);
    }
    const [id, version] = (spec ?? '').split('@');
    return loadReferential(id || undefined, version || undefined);
  } catch (err) {
    if (err instanceof ReferentialError) {
      throw new CliError(
        err.message,
        EXIT.badInput,
        err.issues.map((i) => ({ path: i.line ? `${i.path} (line ${i.line})` : i.path, message: i.message })),
      );
    }
    throw err;
  }
}

/** Today's date in UTC; the only place the CLI reads the clock for evaluations. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
