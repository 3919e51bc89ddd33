/**
 * Forms generated from a JSON Schema, so the declaration form follows the schema that validates it.
 *
 * Hand-written rather than a library: the JSON-Schema form libraries render on the client (React, web
 * components) or need JavaScript for repeatable groups, and these pages must work without scripts, in the
 * State design system, with errors placed by the validator's JSON paths.
 *
 * - `compileForm(schema)` (here) turns the schema into field specs once, and refuses a keyword it cannot
 *   render, so a schema change that the form would silently ignore fails at start-up and in the tests.
 * - ./schema-form-tree.ts `buildForm` gives the tree the templates render; `placeErrors` puts the
 *   validator's issues on the fields their JSON paths name.
 * - ./schema-form-post.ts `parseForm` maps the posted fields (named by path: `offer.regions[0].code`)
 *   back to the JSON document; `applyListAction` is what the add/remove buttons do.
 */

type Schema = Record<string, unknown>;

/** Any JSON value of a document. */
export type Json = unknown;

export type Widget = 'textarea' | 'lines';

interface BaseSpec {
  /** Schema path without indices (`offer.regions.code`): what labels and widgets are keyed by. */
  key: string;
  title?: string;
  description?: string;
}

export interface ObjectSpec extends BaseSpec {
  kind: 'object';
  props: Array<{ name: string; required: boolean; spec: Spec }>;
}
export interface ArraySpec extends BaseSpec {
  kind: 'array';
  item: ObjectSpec;
}
export interface ScalarSpec extends BaseSpec {
  kind: 'scalar';
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'const';
  values?: Array<string | number>;
  constValue?: Json;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  date?: boolean;
  /** Two capital letters (ISO codes): what is typed is upper-cased. */
  upper?: boolean;
  widget?: Widget;
}
export interface ListSpec extends BaseSpec {
  kind: 'list';
  item: ScalarSpec;
  widget: 'checkboxes' | 'text' | 'lines';
}
export type Spec = ObjectSpec | ArraySpec | ScalarSpec | ListSpec;

const KNOWN = new Set([
  '$schema',
  '$id',
  '$defs',
  '$ref',
  'title',
  'description',
  'type',
  'additionalProperties',
  'required',
  'properties',
  'items',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'uniqueItems',
  'default',
]);
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const UPPER_PATTERN = '^[A-Z]{2}$';
/** Integer lists whose range is this short are offered as checkboxes (HDS activities 1–6). */
const MAX_CHECKBOXES = 12;
/** Hidden field holding the number of items of a repeatable group: `_count.offer.regions`. */
export const COUNT_PREFIX = '_count.';

export interface CompileOptions {
  /** Properties left out of the form (kept out of the document too). */
  omit?: string[];
  /** Widgets by key: `textarea` for long text, `lines` for a list typed one item per line. */
  widgets?: Record<string, Widget>;
  /** Properties shown after their siblings, whatever the schema's order (rarely filled ones). */
  last?: string[];
}

/** Compiles a schema (with local `$defs` references) into the specs of its form. */
export function compileForm(schema: Schema, options: CompileOptions = {}): ObjectSpec {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const resolve = (node: Schema, where: string): Schema => {
    const unknown = Object.keys(node).filter((k) => !KNOWN.has(k));
    if (unknown.length > 0) throw new Error(`schema form: unsupported keyword ${unknown[0]} at ${where}`);
    if (typeof node.$ref !== 'string') return node;
    const name = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
    const target = name ? defs[name] : undefined;
    if (!target) throw new Error(`schema form: unresolved reference ${node.$ref} at ${where}`);
    const { $ref: _, ...rest } = node;
    return { ...resolve(target, node.$ref), ...rest };
  };

  const isLast = (key: string, name: string) =>
    options.last?.includes(key ? `${key}.${name}` : name) ?? false;
  const spec = (raw: Schema, key: string): Spec => {
    const s = resolve(raw, key || '(root)');
    const base: BaseSpec = {
      key,
      ...(typeof s.title === 'string' ? { title: s.title } : {}),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
    };
    if (s.type === 'object') {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      return {
        ...base,
        kind: 'object',
        props: Object.entries(props)
          .filter(([name]) => !options.omit?.includes(key ? `${key}.${name}` : name))
          .sort(([a], [b]) => Number(isLast(key, a)) - Number(isLast(key, b)))
          .map(([name, child]) => ({
            name,
            required: required.has(name),
            spec: spec(child, key ? `${key}.${name}` : name),
          })),
      };
    }
    if (s.type === 'array') {
      const item = spec((s.items ?? {}) as Schema, key);
      if (item.kind === 'object') return { ...base, kind: 'array', item };
      if (item.kind !== 'scalar') throw new Error(`schema form: nested lists are not supported at ${key}`);
      const range =
        item.type === 'integer' && item.minimum !== undefined && item.maximum !== undefined
          ? item.maximum - item.minimum
          : Number.POSITIVE_INFINITY;
      const widget =
        item.type === 'enum' || range < MAX_CHECKBOXES
          ? 'checkboxes'
          : options.widgets?.[key] === 'lines'
            ? 'lines'
            : 'text';
      return { ...base, kind: 'list', item, widget };
    }
    const scalar: ScalarSpec = { ...base, kind: 'scalar', type: 'string' };
    if ('const' in s) return { ...scalar, type: 'const', constValue: s.const };
    if (Array.isArray(s.enum)) return { ...scalar, type: 'enum', values: s.enum as Array<string | number> };
    if (s.type === 'boolean' || s.type === 'number' || s.type === 'integer' || s.type === 'string') {
      scalar.type = s.type;
    } else {
      throw new Error(`schema form: unsupported type ${JSON.stringify(s.type)} at ${key}`);
    }
    if (typeof s.minimum === 'number') scalar.minimum = s.minimum;
    if (typeof s.maximum === 'number') scalar.maximum = s.maximum;
    if (typeof s.maxLength === 'number') scalar.maxLength = s.maxLength;
    if (s.pattern === DATE_PATTERN) scalar.date = true;
    if (s.pattern === UPPER_PATTERN) scalar.upper = true;
    const widget = options.widgets?.[key];
    if (widget) scalar.widget = widget;
    return scalar;
  };

  const root = spec(schema, '');
  if (root.kind !== 'object') throw new Error('schema form: the schema must describe an object');
  return root;
}
