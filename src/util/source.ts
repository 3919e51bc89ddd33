/**
 * Parsing of JSON and YAML documents that keeps enough of the source to point at a line when something
 * is wrong. Errors carry a JSON path (`$.offer.regions[0].country`) and, where known, line and column.
 */
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';

export interface Issue {
  /** JSON path of the offending value, `$` for the whole document. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Turns an Ajv/JSON-pointer instance path (`/offer/regions/0`) into segments. */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

export class SourceError extends Error {
  constructor(
    message: string,
    readonly issues: Issue[],
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface ParsedSource {
  value: unknown;
  /** Finds the line and column of a path, or of its closest existing ancestor. */
  locate(segments: readonly PathSegment[]): { line: number; column: number } | undefined;
}

/** Largest document we accept by default; callers with good reason pass a larger limit. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Parses JSON. JSON.parse gives the value fast; the position index (built with the YAML parser, since
 * JSON is YAML 1.2) is built only when an error needs a line number.
 */
export function parseJsonSource(text: string, maxBytes = DEFAULT_MAX_BYTES): ParsedSource {
  if (Buffer.byteLength(text) > maxBytes) {
    throw new SourceError('document too large', [{ path: '$', message: `larger than ${maxBytes} bytes` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = jsonErrorPosition(text, message);
    throw new SourceError('malformed JSON', [
      {
        path: '$',
        message: cleanJsonMessage(message),
        ...(pos ? { line: pos.line, column: pos.column } : {}),
      },
    ]);
  }
  return { value, locate: lazyLocator(text) };
}

/** Parses one YAML document (used for referentials), with anchors/aliases bounded against alias bombs. */
export function parseYamlSource(text: string, maxBytes = DEFAULT_MAX_BYTES): ParsedSource {
  if (Buffer.byteLength(text) > maxBytes) {
    throw new SourceError('document too large', [{ path: '$', message: `larger than ${maxBytes} bytes` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SourceError(
      'malformed YAML',
      doc.errors.map((e) => {
        const p = lineCounter.linePos(e.pos[0]);
        return { path: '$', message: e.message.split('\n')[0] ?? e.message, line: p.line, column: p.col };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new SourceError('YAML refused', [
      { path: '$', message: err instanceof Error ? err.message : String(err) },
    ]);
  }
  return {
    value,
    locate: (segments) => {
      for (let n = segments.length; n >= 0; n--) {
        const node = doc.getIn(segments.slice(0, n), true) as
          | { range?: [number, number, number] }
          | undefined;
        if (node && typeof node === 'object' && node.range) {
          const p = lineCounter.linePos(node.range[0]);
          return { line: p.line, column: p.col };
        }
      }
      return undefined;
    },
  };
}

/** Several YAML documents in one stream (Kubernetes manifests). */
export { parseAllDocuments };

function lazyLocator(text: string): ParsedSource['locate'] {
  let index: ParsedSource | undefined;
  return (segments) => {
    index ??= parseYamlSource(text);
    return index.locate(segments);
  };
}

function jsonErrorPosition(text: string, message: string): { line: number; column: number } | undefined {
  const m = /position (\d+)/.exec(message);
  let offset: number;
  if (m) offset = Number(m[1]);
  else if (/Unexpected end of JSON input/.test(message)) offset = text.length;
  else return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function cleanJsonMessage(message: string): string {
  return message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
}

/** Attaches line/column to issues that only carry a path. */
export function locateIssues(
  issues: Issue[],
  source: ParsedSource,
  toSegments: (path: string) => PathSegment[],
) {
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const pos = source.locate(toSegments(issue.path));
    return pos ? { ...issue, line: pos.line, column: pos.column } : issue;
  });
}

/** Inverse of formatPath for the paths this module produces. */
export function pathToSegments(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else if (m[3] !== undefined) segments.push(JSON.parse(m[3]) as string);
  }
  return segments;
}
