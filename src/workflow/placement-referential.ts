/** The referential placement decisions follow (the latest published cloud-de-confiance) and its classes. */
import canonicalize from 'canonicalize';
import { sha256Hex } from '../credentials/encoding.js';
import { referentialDataClasses } from '../placement/classes.js';
import type { DataClass } from '../placement/types.js';
import type { CompiledReferential } from '../referential/compile.js';
import { DEFAULT_REFERENTIAL } from './applications.js';
import type { Context } from './context.js';

export function referentialOf(ctx: Context): CompiledReferential {
  return ctx.referentials.latest(DEFAULT_REFERENTIAL);
}

const classCache = new WeakMap<CompiledReferential, { classes: DataClass[]; digest: string }>();

/** The referential's data classes and its digest (SHA-256 of its canonical JSON, as published). */
export function referentialClasses(referential: CompiledReferential): {
  classes: DataClass[];
  digest: string;
} {
  let cached = classCache.get(referential);
  if (!cached) {
    cached = {
      classes: referentialDataClasses(referential.document),
      digest: sha256Hex(canonicalize(referential.document)!),
    };
    classCache.set(referential, cached);
  }
  return cached;
}
