/**
 * Document + errors → the tree the templates render (views/console/provider/form-node.eta): objects →
 * fieldsets with legends, arrays of objects → repeatable groups with add/remove submit buttons, enums →
 * selects, booleans → yes/no/unknown radios, dates, numbers with bounds, short integer ranges →
 * checkboxes, other lists → one text field, descriptions → hints. See ./schema-form.ts.
 */
import { formatPath, pathToSegments } from '../../util/source.js';
import { COUNT_PREFIX, type Json, type ObjectSpec, type ScalarSpec, type Spec } from './schema-form.js';

export interface FormTexts {
  /** Label of the field `key`; `fallback` is the schema title or the property name. */
  label(key: string, fallback: string): string;
  /** Hint of the field `key`; `fallback` is the schema description. */
  hint(key: string, fallback: string | undefined): string | undefined;
  /** Text of one value of an enum or list. */
  option(key: string, value: string): string;
  /** Legend of item `n` (from 1) of a repeatable group. */
  item(key: string, label: string, n: number): string;
  add(key: string, label: string): string;
  remove(itemLegend: string): string;
  yes: string;
  no: string;
  unknown: string;
  choose: string;
  required: string;
  listHint: string;
  linesHint: string;
}

export interface Option {
  value: string;
  label: string;
  selected: boolean;
  id?: string;
}

interface NodeBase {
  /** The HTML id of the field (or of its fieldset), derived from its path. */
  id: string;
  /** Where the error summary links: the control itself, or a group's first control. */
  anchor: string;
  /** The field's path, also its `name`: `offer.regions[0].code`. */
  name: string;
  key: string;
  label: string;
  hint?: string | undefined;
  required: boolean;
  /** Messages already in the page's language. */
  errors: string[];
}
export interface GroupNode extends NodeBase {
  kind: 'group';
  /** Heading level of the legend (2 for the top sections). */
  heading: number;
  children: FormNode[];
  /** For an item of a repeatable group: its remove button. */
  remove?: { value: string; label: string; formaction: string };
}
export interface ArrayNode extends NodeBase {
  kind: 'array';
  heading: number;
  items: GroupNode[];
  count: { name: string; value: number };
  add: { value: string; label: string; formaction: string };
}
export interface InputNode extends NodeBase {
  kind: 'input';
  type: 'text' | 'number' | 'date';
  value: string;
  attrs: Array<[string, string]>;
  /** A field for a short value (a two-letter code, a number, a date) is drawn narrower. */
  narrow?: 'code' | 'short';
}
export interface TextareaNode extends NodeBase {
  kind: 'textarea';
  value: string;
}
export interface SelectNode extends NodeBase {
  kind: 'select';
  options: Option[];
}
export interface ChoiceNode extends NodeBase {
  kind: 'radios' | 'checkboxes';
  options: Option[];
}
export type FormNode = GroupNode | ArrayNode | InputNode | TextareaNode | SelectNode | ChoiceNode;

/** The HTML id of the field at a path: `offer.regions[0].code` → `f-offer-regions-0-code`. */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

function humanize(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function display(value: Json): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface BuildOptions {
  /** The URL the form posts to; add/remove buttons post there too and return to their group. */
  action: string;
  /** Errors by field path (`offer.regions[0].code`), messages already translated. */
  errors?: Map<string, string[]>;
}

/** The tree of the form for a document; errors are placed on the fields whose paths they name. */
export function buildForm(
  root: ObjectSpec,
  value: Record<string, Json>,
  texts: FormTexts,
  options: BuildOptions,
): GroupNode {
  const errorsAt = (name: string) => options.errors?.get(name) ?? [];
  const base = (spec: Spec, name: string, required: boolean, propName: string) => {
    const label = texts.label(spec.key, spec.title ?? humanize(propName));
    // Groups are not marked: a required group is one whose required fields are marked.
    const marked = required && (spec.kind === 'scalar' || spec.kind === 'list');
    return {
      id: fieldId(name),
      anchor: fieldId(name),
      name,
      key: spec.key,
      label: marked ? `${label} ${texts.required}` : label,
      hint: texts.hint(spec.key, spec.description),
      required,
      errors: errorsAt(name),
    };
  };

  const node = (
    spec: Spec,
    name: string,
    v: Json,
    required: boolean,
    propName: string,
    depth: number,
  ): FormNode | undefined => {
    switch (spec.kind) {
      case 'object': {
        const obj = (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, Json>;
        const children = spec.props
          .map((p) =>
            node(p.spec, name ? `${name}.${p.name}` : p.name, obj[p.name], p.required, p.name, depth + 1),
          )
          .filter((n): n is FormNode => n !== undefined);
        const group: GroupNode = {
          ...base(spec, name, required, propName),
          kind: 'group',
          heading: depth,
          children,
        };
        group.anchor = group.id;
        return group;
      }
      case 'array': {
        const list = Array.isArray(v) ? v : [];
        const b = base(spec, name, required, propName);
        const items = list.map((item, i) => {
          const itemName = `${name}[${i}]`;
          const group = node(spec.item, itemName, item, false, propName, depth + 1) as GroupNode;
          group.label = texts.item(spec.key, texts.label(spec.key, spec.title ?? humanize(propName)), i + 1);
          group.hint = undefined;
          group.remove = {
            value: itemName,
            label: texts.remove(group.label),
            formaction: `${options.action}#${b.id}`,
          };
          return group;
        });
        const bare = texts.label(spec.key, spec.title ?? humanize(propName));
        return {
          ...b,
          kind: 'array',
          heading: depth,
          items,
          count: { name: COUNT_PREFIX + name, value: items.length },
          add: {
            value: name,
            label: texts.add(spec.key, bare),
            formaction: `${options.action}#${fieldId(`${name}[${items.length}]`)}`,
          },
        };
      }
      case 'list': {
        const b = base(spec, name, required, propName);
        const values = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(display);
        if (spec.widget === 'checkboxes') {
          const choices =
            spec.item.type === 'enum'
              ? (spec.item.values ?? []).map(String)
              : range(spec.item.minimum ?? 0, spec.item.maximum ?? 0).map(String);
          const opts = choices.map((c, i) => ({
            value: c,
            label: texts.option(spec.key, c),
            selected: values.includes(c),
            id: `${b.id}-${i}`,
          }));
          return { ...b, anchor: `${b.id}-0`, kind: 'checkboxes', options: opts };
        }
        const hint = [b.hint, spec.widget === 'lines' ? texts.linesHint : texts.listHint]
          .filter(Boolean)
          .join(' ');
        if (spec.widget === 'lines') return { ...b, hint, kind: 'textarea', value: values.join('\n') };
        return {
          ...b,
          hint,
          kind: 'input',
          type: 'text',
          value: values.join(', '),
          attrs: [['spellcheck', 'false']],
        };
      }
      case 'scalar':
        return scalarNode(spec, base(spec, name, required, propName), v, texts);
    }
  };
  return node(root, '', value, true, '', 1) as GroupNode;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function scalarNode(
  spec: ScalarSpec,
  b: Omit<NodeBase, 'anchor'> & { anchor: string },
  v: Json,
  texts: FormTexts,
): FormNode | undefined {
  const value = display(v);
  switch (spec.type) {
    case 'const':
      return undefined;
    case 'boolean': {
      const opts: Option[] = [
        { value: 'true', label: texts.yes, selected: v === true, id: `${b.id}-0` },
        { value: 'false', label: texts.no, selected: v === false, id: `${b.id}-1` },
        { value: '', label: texts.unknown, selected: v === undefined || v === '', id: `${b.id}-2` },
      ];
      return { ...b, anchor: `${b.id}-0`, kind: 'radios', options: opts };
    }
    case 'enum': {
      const known = (spec.values ?? []).map(String);
      const opts: Option[] = [
        { value: '', label: b.required ? texts.choose : texts.unknown, selected: value === '' },
        ...known.map((c) => ({ value: c, label: texts.option(spec.key, c), selected: c === value })),
      ];
      // A value the schema does not know stays visible (and selected) until the person picks another.
      if (value !== '' && !known.includes(value)) opts.push({ value, label: value, selected: true });
      return { ...b, kind: 'select', options: opts };
    }
    case 'number':
    case 'integer': {
      const attrs: Array<[string, string]> = [
        ['inputmode', spec.type === 'integer' ? 'numeric' : 'decimal'],
        ['step', spec.type === 'integer' ? '1' : 'any'],
      ];
      if (spec.minimum !== undefined) attrs.push(['min', String(spec.minimum)]);
      if (spec.maximum !== undefined) attrs.push(['max', String(spec.maximum)]);
      // A value typed wrong is shown as typed in a text field (a number field would blank it).
      const typed = v === undefined || typeof v === 'number';
      return { ...b, kind: 'input', type: typed ? 'number' : 'text', value, attrs, narrow: 'short' };
    }
    default: {
      if (spec.widget === 'textarea') return { ...b, kind: 'textarea', value };
      if (spec.date) return { ...b, kind: 'input', type: 'date', value, attrs: [], narrow: 'short' };
      const attrs: Array<[string, string]> = [];
      if (spec.maxLength !== undefined) attrs.push(['maxlength', String(spec.maxLength)]);
      if (!spec.upper) return { ...b, kind: 'input', type: 'text', value, attrs };
      attrs.push(['maxlength', '2'], ['autocomplete', 'off'], ['spellcheck', 'false']);
      return { ...b, kind: 'input', type: 'text', value, attrs, narrow: 'code' };
    }
  }
}

/** Every field path the tree names, with its anchor: where a validator's path is shown. */
export function fieldAnchors(tree: GroupNode): Map<string, { anchor: string; group: boolean }> {
  const out = new Map<string, { anchor: string; group: boolean }>();
  const walk = (n: FormNode) => {
    out.set(n.name, { anchor: n.anchor, group: n.kind === 'group' || n.kind === 'array' });
    if (n.kind === 'group') n.children.forEach(walk);
    if (n.kind === 'array') n.items.forEach(walk);
  };
  walk(tree);
  return out;
}

/** Says an issue in the page's language; `group` when it is shown on a fieldset rather than a field. */
export type IssueTranslator = (issue: { path: string; message: string }, where: { group: boolean }) => string;

/**
 * Places a validator's issues (paths `$.offer.regions[0].code`) on the nearest field the form has: the
 * field itself, else its group. Returns the errors by field path, and the summary entries in field order.
 */
export function placeErrors(
  root: ObjectSpec,
  value: Record<string, Json>,
  issues: Array<{ path: string; message: string }>,
  texts: FormTexts,
  translate: IssueTranslator,
  action: string,
) {
  const names = fieldAnchors(buildForm(root, value, texts, { action }));
  const byField = new Map<string, string[]>();
  for (const issue of issues) {
    const segments = issue.path.startsWith('$') ? pathToSegments(issue.path) : [];
    let name = formatPath(segments).slice(2);
    while (segments.length > 0 && !names.has(name)) {
      segments.pop();
      name = formatPath(segments).slice(2);
    }
    const message = translate(issue, { group: names.get(name)?.group ?? true });
    const list = byField.get(name) ?? [];
    if (!list.includes(message)) list.push(message);
    byField.set(name, list);
  }
  const order = [...names.keys()];
  const summary = [...byField.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .flatMap(([name, messages]) =>
      messages.map((message) => ({ anchor: name ? names.get(name)?.anchor : undefined, message })),
    );
  return { byField, summary };
}
