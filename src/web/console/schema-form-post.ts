/**
 * Form posts → the JSON document (see ./schema-form.ts): each field is named by its path
 * (`offer.regions[0].code`), empty fields are left out, and a value of the wrong type is kept as typed so
 * that the validator names it at its path. Also the add/remove buttons of repeatable groups.
 */
import { formatPath, type PathSegment, pathToSegments } from '../../util/source.js';
import {
  type ArraySpec,
  COUNT_PREFIX,
  type Json,
  type ObjectSpec,
  type ScalarSpec,
  type Spec,
} from './schema-form.js';

/** A posted form: what @fastify/formbody gives (repeated names arrive as arrays). */
export type Posted = Record<string, unknown>;

function firstString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}
function allStrings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

function parseScalar(spec: ScalarSpec, raw: string): Json {
  const text = spec.widget === 'textarea' ? raw.replace(/\r\n/g, '\n').trim() : raw.trim();
  if (text === '') return undefined;
  switch (spec.type) {
    case 'number':
    case 'integer':
      // A French decimal comma is a number too; anything else is kept for the validator to name.
      return NUMBER.test(text) ? Number(text.replace(',', '.')) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'enum': {
      const match = spec.values?.find((v) => String(v) === text);
      return match ?? text;
    }
    default:
      return spec.upper ? text.toUpperCase() : text;
  }
}

/** The JSON document the posted fields describe (constants filled in, empty fields left out). */
export function parseForm(root: ObjectSpec, body: Posted): Record<string, Json> {
  const read = (spec: Spec, name: string): Json => {
    switch (spec.kind) {
      case 'object': {
        const out: Record<string, Json> = {};
        for (const p of spec.props) {
          const value = read(p.spec, name ? `${name}.${p.name}` : p.name);
          if (value !== undefined) out[p.name] = value;
        }
        // An optional group left entirely empty is absent, not an object of nothing.
        return Object.keys(out).some((k) => !isConst(spec, k)) ? out : undefined;
      }
      case 'array': {
        const count = Math.min(Number(firstString(body[COUNT_PREFIX + name]) ?? 0) || 0, 500);
        // An item added with the "add" button stays, empty, so that the validator says what it lacks.
        const items = Array.from({ length: count }, (_, i) => read(spec.item, `${name}[${i}]`) ?? {});
        return items.length > 0 ? items : undefined;
      }
      case 'list': {
        const raws =
          spec.widget === 'checkboxes'
            ? allStrings(body[name])
            : (firstString(body[name]) ?? '').split(spec.widget === 'lines' ? /\r?\n/ : /[\s,;]+/);
        const items = raws.map((r) => parseScalar(spec.item, r)).filter((v) => v !== undefined);
        return items.length > 0 ? items : undefined;
      }
      case 'scalar': {
        if (spec.type === 'const') return spec.constValue;
        const raw = firstString(body[name]);
        return raw === undefined ? undefined : parseScalar(spec, raw);
      }
    }
  };
  return (read(root, '') as Record<string, Json> | undefined) ?? constantsOf(root);
}

function isConst(spec: ObjectSpec, name: string): boolean {
  const p = spec.props.find((x) => x.name === name);
  return p?.spec.kind === 'scalar' && p.spec.type === 'const';
}

function constantsOf(spec: ObjectSpec): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of spec.props)
    if (p.spec.kind === 'scalar' && p.spec.type === 'const') out[p.name] = p.spec.constValue;
  return out;
}

export type ListAction = { add: string } | { remove: string };

/** The array spec at a field path such as `offer.regions` (indices skipped), or undefined. */
function arrayAt(root: ObjectSpec, segments: PathSegment[]): ArraySpec | undefined {
  let spec: Spec = root;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (spec.kind !== 'array') return undefined;
      spec = spec.item;
    } else {
      if (spec.kind !== 'object') return undefined;
      const next: Spec | undefined = spec.props.find((p) => p.name === s)?.spec;
      if (!next) return undefined;
      spec = next;
    }
  }
  return spec.kind === 'array' ? spec : undefined;
}

/**
 * Adds an empty item at the end of the repeatable group `add` names, or removes the item `remove` names
 * (`offer.regions[1]`). Returns false when the path names no repeatable group of the schema.
 */
export function applyListAction(root: ObjectSpec, doc: Record<string, Json>, action: ListAction): boolean {
  const path = 'add' in action ? action.add : action.remove;
  if (path.length > 500) return false;
  const segments = pathToSegments(`$.${path}`);
  if (formatPath(segments) !== `$.${path}`) return false;
  const index = 'remove' in action ? segments.pop() : undefined;
  if ('remove' in action && typeof index !== 'number') return false;
  if (!arrayAt(root, segments)) return false;
  let parent: Record<string, Json> | Json[] = doc;
  for (const [i, s] of segments.entries()) {
    const container = parent as Record<string | number, Json>;
    let next = container[s];
    if (next === undefined || next === null || typeof next !== 'object') {
      if ('remove' in action) return true;
      next = typeof segments[i + 1] === 'number' || i === segments.length - 1 ? [] : {};
      container[s] = next;
    }
    parent = next as Record<string, Json> | Json[];
  }
  if (!Array.isArray(parent)) return false;
  if ('add' in action) {
    parent.push({});
  } else if (typeof index === 'number' && index < parent.length) {
    parent.splice(index, 1);
  }
  return true;
}
