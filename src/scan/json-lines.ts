/**
 * Lines of JSON pointers, for reports that point into a large Terraform plan. `JSON.parse` gives values,
 * not positions, and a second full parse with positions (a YAML CST, a JS JSON tokenizer building nodes)
 * costs several times the first. This is one pass over the text that only descends into the containers on
 * the way to the pointers asked for and jumps over everything else: strings with the native `indexOf`, the
 * rest by counting brackets, without counting lines (lines are counted at the end, natively, up to each
 * position found). Hand-written for that reason: no JSON library exposes "positions of these pointers only".
 *
 * The text must be valid JSON (callers parse it first); on anything else the result is just incomplete.
 */

export interface Position {
  line: number;
  column: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

/** Escapes one reference token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return typeof token === 'number' ? String(token) : token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function jsonPointer(tokens: ReadonlyArray<string | number>): string {
  let out = '';
  for (const t of tokens) out += `/${pointerToken(t)}`;
  return out;
}

/** Index just past the string whose opening quote is at `start`. */
function endOfString(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const q = text.indexOf('"', at);
    if (q < 0) return text.length;
    // An odd run of backslashes before the quote escapes it.
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    at = q + 1;
  }
}

function skipSpace(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return pos;
    pos++;
  }
}

/** Index just past the value starting at `pos` (after white space), looking at nothing inside it. */
function endOfValue(text: string, pos: number): number {
  const n = text.length;
  const first = text.charCodeAt(pos);
  if (first === QUOTE) return endOfString(text, pos);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c <= 32) return pos;
      pos++;
    }
    return pos;
  }
  let depth = 0;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === QUOTE) {
      pos = endOfString(text, pos);
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return pos + 1;
    }
    pos++;
  }
  return pos;
}

/** Positions (1-based line and column) of the values at the given pointers; missing pointers are left out. */
export function locateJsonPointers(text: string, pointers: Iterable<string>): Map<string, Position> {
  const wanted = new Set(pointers);
  const prefixes = new Set<string>();
  for (const p of wanted) {
    let i = p.lastIndexOf('/');
    while (i > 0) {
      const prefix = p.slice(0, i);
      // Siblings share their ancestors: once one is known, so are the ones above it.
      if (prefixes.has(prefix)) break;
      prefixes.add(prefix);
      i = p.lastIndexOf('/', i - 1);
    }
  }
  const offsets = new Map<string, number>();
  if (wanted.size === 0) return new Map();
  prefixes.add('');
  // Terraform writes planned_values before the rest: once every pointer is found, the scan stops.
  try {
    visit(text, 0, '', wanted, prefixes, offsets);
  } catch (err) {
    if (err !== ALL_FOUND) throw err;
  }
  // Lines and columns from the offsets, counting newlines natively in one sweep.
  const sorted = [...offsets.entries()].sort((a, b) => a[1] - b[1]);
  const found = new Map<string, Position>();
  let line = 1;
  let lineStart = 0;
  // The next newline not yet counted (-1: none left), looked up once per newline, not once per position.
  let next = text.indexOf('\n');
  for (const [pointer, offset] of sorted) {
    while (next >= 0 && next < offset) {
      line++;
      lineStart = next + 1;
      next = text.indexOf('\n', next + 1);
    }
    found.set(pointer, { line, column: offset - lineStart + 1 });
  }
  return found;
}

const ALL_FOUND = Symbol('all pointers found');

/** Walks the value at `pos` (white space first), descending only along wanted paths. Returns its end. */
function visit(
  text: string,
  pos: number,
  path: string,
  wanted: Set<string>,
  prefixes: Set<string>,
  offsets: Map<string, number>,
): number {
  pos = skipSpace(text, pos);
  if (wanted.has(path)) {
    offsets.set(path, pos);
    if (offsets.size === wanted.size) throw ALL_FOUND;
  }
  if (!prefixes.has(path)) return endOfValue(text, pos);
  const n = text.length;
  const c = text.charCodeAt(pos);
  if (c === OPEN_OBJECT) {
    pos = skipSpace(text, pos + 1);
    if (text.charCodeAt(pos) === CLOSE_OBJECT) return pos + 1;
    while (pos < n) {
      pos = skipSpace(text, pos);
      const end = endOfString(text, pos);
      const raw = text.slice(pos + 1, end - 1);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(pos, end)) as string) : raw;
      pos = skipSpace(text, end);
      if (text.charCodeAt(pos) === COLON) pos++;
      pos = skipSpace(text, visit(text, pos, `${path}/${pointerToken(key)}`, wanted, prefixes, offsets));
      if (text.charCodeAt(pos) !== COMMA) return pos + 1;
      pos++;
    }
    return pos;
  }
  if (c === OPEN_ARRAY) {
    pos = skipSpace(text, pos + 1);
    if (text.charCodeAt(pos) === CLOSE_ARRAY) return pos + 1;
    for (let i = 0; pos < n; i++) {
      pos = skipSpace(text, visit(text, pos, `${path}/${i}`, wanted, prefixes, offsets));
      if (text.charCodeAt(pos) !== COMMA) return pos + 1;
      pos++;
    }
    return pos;
  }
  return endOfValue(text, pos);
}
