/** In-memory KeyProvider for tests and throw-away instances. Nothing is persisted. */
import type { KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import {
  assertActive,
  assertClockForward,
  generateKey,
  type KeyProvider,
  type RandomBytes,
  retire,
  signEd25519,
} from './keys.js';
import type { KeyInfo } from './types.js';

export class MemoryKeyProvider implements KeyProvider {
  #keys: KeyInfo[];
  // Only the active key's private half is kept: a retired key must not be able to sign again.
  #active: { info: KeyInfo; privateKey: KeyObject };
  readonly #random: RandomBytes | undefined;

  private constructor(info: KeyInfo, privateKey: KeyObject, random: RandomBytes | undefined) {
    this.#keys = [info];
    this.#active = { info, privateKey };
    this.#random = random;
  }

  static async create(now: Date, options: { randomBytes?: RandomBytes } = {}): Promise<MemoryKeyProvider> {
    const { info, privateKey } = await generateKey(now, options.randomBytes);
    return new MemoryKeyProvider(info, privateKey, options.randomBytes);
  }

  activeKey(): KeyInfo {
    return this.#active.info;
  }

  keys(): KeyInfo[] {
    return [...this.#keys];
  }

  async sign(kid: string, data: Uint8Array): Promise<Uint8Array> {
    assertActive(this.#keys, kid);
    return signEd25519(this.#active.privateKey, data);
  }

  async rotate(now: Date): Promise<KeyInfo> {
    assertClockForward(this.#active.info, now);
    const next = await generateKey(now, this.#random);
    const previous = this.#active.info.kid;
    this.#keys = [...this.#keys.map((k) => (k.kid === previous ? retire(k, now) : k)), next.info];
    this.#active = next;
    return next.info;
  }

  // Never let a stray console.log or error serializer print key material.
  toString(): string {
    return `MemoryKeyProvider(active=${this.#active.info.kid})`;
  }
  toJSON(): unknown {
    return { provider: 'memory', activeKid: this.#active.info.kid };
  }
  [inspect.custom](): string {
    return this.toString();
  }
}
