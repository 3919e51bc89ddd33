/**
 * What changed between two versions of a referential: criteria, levels, parameters, shared rule
 * definitions, categories, data classes and objectives added, removed or changed, and for a changed entry
 * every field that differs (a rule's CEL text, a parameter's value, a level's validity…). Pure: two
 * documents in, a description of their differences out, so the authority's console, a CLI or a test can
 * all show the same diff.
 *
 * Entries are matched by id (by name for parameters and definitions); an entry that only moved within its
 * list is not a change. Lists of plain values (a criterion's levels, a parameter's country list) report the
 * items added and removed; lists of objects (sources, rungs) are compared as a whole.
 */
import { isDeepStrictEqual } from 'node:util';
import type {
  CriterionDefinition,
  DataClassDefinition,
  I18n,
  LevelDefinition,
  ObjectiveDefinition,
  ParameterDefinition,
  ReferentialDocument,
} from './types.js';

/** One field that differs; `path` is dotted from the entry (`rule.pass`, `title.en`, `value`). */
export interface FieldChange {
  path: string;
  /** Absent when the field did not exist before. */
  before?: unknown;
  /** Absent when the field no longer exists. */
  after?: unknown;
  /** For lists of plain values: the items only in `after`, in its order. */
  added?: unknown[];
  /** For lists of plain values: the items only in `before`, in its order. */
  removed?: unknown[];
}

export interface ChangedEntry<T> {
  id: string;
  before: T;
  after: T;
  changes: FieldChange[];
}

export interface EntryDiff<T> {
  /** In the order of the newer version. */
  added: T[];
  /** In the order of the older version. */
  removed: T[];
  /** In the order of the newer version. */
  changed: Array<ChangedEntry<T>>;
  unchanged: number;
}

export interface NamedParameter extends ParameterDefinition {
  name: string;
}

export interface NamedDefinition {
  name: string;
  expression: string;
}

export interface CategoryDefinition {
  id: string;
  title: I18n;
}

export interface ReferentialDiff {
  from: { id: string; version: string };
  to: { id: string; version: string };
  /** The documents say the same thing (ignoring the version, the publication date and entry order). */
  identical: boolean;
  /** Title, description and kind of the referential itself. */
  header: FieldChange[];
  criteria: EntryDiff<CriterionDefinition>;
  levels: EntryDiff<LevelDefinition>;
  parameters: EntryDiff<NamedParameter>;
  definitions: EntryDiff<NamedDefinition>;
  categories: EntryDiff<CategoryDefinition>;
  dataClasses: EntryDiff<DataClassDefinition>;
  objectives: EntryDiff<ObjectiveDefinition>;
}

type Plain = string | number | boolean | null;

const isPlain = (v: unknown): v is Plain => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field that differs between two JSON values, with dotted paths under `path`. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      if (!(key in after)) return [{ path: at(key), before: before[key] }];
      if (!(key in before)) return [{ path: at(key), after: after[key] }];
      return fieldChanges(before[key], after[key], at(key));
    });
  }
  const change: FieldChange = { path, before, after };
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].every(isPlain)) {
    const had = new Set(before);
    const has = new Set(after);
    change.added = after.filter((v) => !had.has(v));
    change.removed = before.filter((v) => !has.has(v));
  }
  return [change];
}

function entryDiff<T>(before: T[], after: T[], key: (entry: T) => string): EntryDiff<T> {
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  const diff: EntryDiff<T> = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const entry of after) {
    const id = key(entry);
    const previous = old.get(id);
    if (previous === undefined) {
      diff.added.push(entry);
      continue;
    }
    const changes = fieldChanges(previous, entry);
    if (changes.length === 0) diff.unchanged += 1;
    else diff.changed.push({ id, before: previous, after: entry, changes });
  }
  diff.removed = before.filter((e) => !now.has(key(e)));
  return diff;
}

const named = <V, T>(record: Record<string, V> | undefined, make: (name: string, value: V) => T): T[] =>
  Object.entries(record ?? {}).map(([name, value]) => make(name, value));

const isEmpty = (d: EntryDiff<unknown>) =>
  d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;

/** The differences from `from` (older) to `to` (newer). */
export function diffReferentials(from: ReferentialDocument, to: ReferentialDocument): ReferentialDiff {
  const header = fieldChanges(
    { title: from.title, description: from.description, kind: from.kind ?? 'label' },
    { title: to.title, description: to.description, kind: to.kind ?? 'label' },
  );
  const parameter = (name: string, p: ParameterDefinition): NamedParameter => ({ name, ...p });
  const definition = (name: string, expression: string): NamedDefinition => ({ name, expression });
  const diff: Omit<ReferentialDiff, 'identical'> = {
    from: { id: from.id, version: from.version },
    to: { id: to.id, version: to.version },
    header,
    criteria: entryDiff(from.criteria, to.criteria, (c) => c.id),
    levels: entryDiff(from.levels, to.levels, (l) => l.id),
    parameters: entryDiff(named(from.parameters, parameter), named(to.parameters, parameter), (p) => p.name),
    definitions: entryDiff(
      named(from.definitions, definition),
      named(to.definitions, definition),
      (d) => d.name,
    ),
    categories: entryDiff(from.categories, to.categories, (c) => c.id),
    dataClasses: entryDiff(from.dataClasses ?? [], to.dataClasses ?? [], (d) => d.id),
    objectives: entryDiff(from.objectives ?? [], to.objectives ?? [], (o) => o.id),
  };
  const sections = [
    diff.criteria,
    diff.levels,
    diff.parameters,
    diff.definitions,
    diff.categories,
    diff.dataClasses,
    diff.objectives,
  ] as Array<EntryDiff<unknown>>;
  return { ...diff, identical: header.length === 0 && sections.every(isEmpty) };
}

/** Whether a change touches what a criterion decides (its rule) rather than how it is described. */
export function isRuleChange(change: FieldChange): boolean {
  return /^(rule|levels|dataClasses|rungs)(\.|$)/.test(change.path);
}
