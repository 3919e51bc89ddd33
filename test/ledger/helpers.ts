/** Shared test helpers for the ledger tests (not a test file itself). */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { leafHash } from '../../src/ledger/hash.js';
import type { NoteSigner } from '../../src/ledger/note.js';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const hexAll = (list: readonly Uint8Array[]): string[] => list.map(hex);

/** The leaf inputs of the Certificate Transparency / transparency-dev reference tree. */
export const CT_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);

/** Its roots for sizes 1..8 (transparency-dev/merkle testonly/constants.go, RootHashes). */
export const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

export const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** n distinct, deterministic leaf hashes. */
export function leaves(n: number, salt = 'leaf'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${salt}-${i}`)));
}

export function sha256hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Raw 32-byte public key of an Ed25519 KeyObject. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** A fresh Ed25519 key as a NoteSigner whose private key never leaves the callback. */
export function makeSigner(keyName: string): NoteSigner & { privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    keyName,
    publicKey: rawPublicKey(publicKey),
    privateKey,
    sign: async (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
