/**
 * A small per-context LRU for registry reads. Keys always start with the registry version (generation +
 * last validity end passed, read from the database on every request), so an entry can never outlive the
 * data it was computed from, whichever process made the change: the cache saves work, it holds no state.
 */
import type { Context } from '../context.js';

export class Lru<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first key is the least recently used.
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value!);
  }
}

const caches = new WeakMap<Context, Map<string, Lru<unknown>>>();

/** The named cache of a context (one server process), created on first use. */
export function cacheOf<V>(ctx: Context, name: string, capacity: number): Lru<V> {
  let byName = caches.get(ctx);
  if (!byName) {
    byName = new Map();
    caches.set(ctx, byName);
  }
  let lru = byName.get(name);
  if (!lru) {
    lru = new Lru<unknown>(capacity);
    byName.set(name, lru);
  }
  return lru as Lru<V>;
}

/** Computes once per key; concurrent callers of the same key share the promise. */
export async function memo<V>(cache: Lru<Promise<V>>, key: string, compute: () => Promise<V>): Promise<V> {
  const hit = cache.get(key);
  if (hit) return hit;
  const pending = compute();
  cache.set(key, pending);
  // A failure must not stay cached.
  pending.catch(() => cache.delete(key));
  return pending;
}
