/** What every report says besides the findings: the registry and referential decided against. */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Lang } from '../../placement/types.js';

/** Colouring functions (the CLI passes ANSI ones on a terminal, identity otherwise). */
export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export interface ReportContext {
  lang: Lang;
  strict: boolean;
  toolVersion: string;
  registry: { from: string; issuer: string; generatedAt: string; offers: number };
  referential: { id: string; version: string; digest: string };
}

/** A path as SARIF wants it: relative to the working directory with forward slashes, or a file: URI. */
export function relativeUri(file: string): string {
  if (file === '-') return 'stdin';
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(file).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}
