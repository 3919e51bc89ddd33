/**
 * Orders a referential's definitions so that each is evaluated after the definitions it reads. The
 * evaluation computes them one after the other, and the catalogue stores referentials as canonical JSON
 * (RFC 8785 sorts object keys), so the order an author wrote them in does not survive publication: a
 * definition reading `defs.b` from `a` would otherwise see nothing once the keys are sorted.
 */
import type { Issue } from '../util/source.js';

/** Sorts `definitions` in place (stable: the written order wherever no dependency decides); reports cycles. */
export function orderDefinitions<T extends { source: string }>(
  definitions: Array<[string, T]>,
  issues: Issue[],
): void {
  const byName = new Map(definitions);
  const deps = new Map(
    definitions.map(([name, fn]) => [
      name,
      [...fn.source.matchAll(/\bdefs\.([A-Za-z_][A-Za-z0-9_]*)/g)]
        .map((m) => m[1]!)
        .filter((d) => byName.has(d)),
    ]),
  );
  const ordered: Array<[string, T]> = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      issues.push({
        path: `$.definitions.${name}`,
        message: `definitions depend on each other in a cycle: ${[...trail.slice(trail.indexOf(name)), name].join(' → ')}`,
      });
      return;
    }
    state.set(name, 'visiting');
    for (const d of deps.get(name) ?? []) visit(d, [...trail, name]);
    state.set(name, 'done');
    ordered.push([name, byName.get(name)!]);
  };
  for (const [name] of definitions) visit(name, []);
  definitions.splice(0, definitions.length, ...ordered);
}
