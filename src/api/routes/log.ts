/** The transparency log over HTTP: latest checkpoint, entries by range, inclusion and consistency proofs. */
import type { FastifyInstance } from 'fastify';
import {
  consistencyProof,
  findLeafByHash,
  inclusionProof,
  latestCheckpoint,
  readLeaves,
} from '../../store/log-repository.js';
import type { Context } from '../../workflow/context.js';
import { invalid, notFound } from '../../workflow/errors.js';
import { labelInclusion } from '../../workflow/publication.js';
import { cacheable } from '../http.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const MAX_ENTRIES = 1000;

export async function registerLogRoutes(app: FastifyInstance, ctx: Context) {
  app.get(
    '/v1/log/checkpoint',
    { schema: { tags: ['log'], summary: 'Latest signed checkpoint (C2SP tlog-checkpoint note)' } },
    async (request, reply) => {
      const cp = await latestCheckpoint(ctx.store.db);
      if (!cp) throw notFound('checkpoint');
      return cacheable(request, reply, cp.note, 'text/plain; charset=utf-8', 10);
    },
  );

  app.get<{ Querystring: { start: number; end: number } }>(
    '/v1/log/entries',
    {
      schema: {
        tags: ['log'],
        summary: `Leaf entries in [start, end), at most ${MAX_ENTRIES}`,
        querystring: {
          type: 'object',
          required: ['start', 'end'],
          properties: { start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request) => {
      const { start, end } = request.query;
      if (end <= start)
        throw invalid('empty range', [{ path: 'end', message: 'must be greater than start' }]);
      if (end - start > MAX_ENTRIES)
        throw invalid('range too large', [
          { path: 'end', message: `at most ${MAX_ENTRIES} entries per request` },
        ]);
      const leaves = await readLeaves(ctx.store.db, start, end);
      return {
        items: leaves.map((l) => ({ index: l.index, leafHash: l.leafHash, entry: JSON.parse(l.entry) })),
      };
    },
  );

  app.get<{ Querystring: { index?: number; hash?: string; size?: number } }>(
    '/v1/log/proofs/inclusion',
    {
      schema: {
        tags: ['log'],
        summary:
          'Inclusion proof of a leaf (by index or leaf hash) in the tree of the given size (default: latest checkpoint)',
        querystring: {
          type: 'object',
          properties: {
            index: { type: 'integer', minimum: 0 },
            hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            size: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => {
      const cp = await latestCheckpoint(ctx.store.db);
      if (!cp) throw notFound('checkpoint');
      const size = request.query.size ?? cp.size;
      if (size > cp.size)
        throw invalid('size beyond the latest checkpoint', [{ path: 'size', message: `at most ${cp.size}` }]);
      let index = request.query.index;
      if (index === undefined) {
        if (!request.query.hash)
          throw invalid('index or hash required', [{ path: 'index', message: 'give index or hash' }]);
        const leaf = await findLeafByHash(ctx.store.db, request.query.hash);
        if (!leaf) throw notFound(`leaf ${request.query.hash}`);
        index = leaf.index;
      }
      if (index >= size) throw invalid('index out of range', [{ path: 'index', message: `below ${size}` }]);
      const proof = await inclusionProof(ctx.store.db, index, size);
      return { leafIndex: index, treeSize: size, proof: proof.map(b64) };
    },
  );

  app.get<{ Querystring: { from: number; to?: number } }>(
    '/v1/log/proofs/consistency',
    {
      schema: {
        tags: ['log'],
        summary: 'Consistency proof between two tree sizes (default `to`: latest checkpoint)',
        querystring: {
          type: 'object',
          required: ['from'],
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request) => {
      const cp = await latestCheckpoint(ctx.store.db);
      if (!cp) throw notFound('checkpoint');
      const to = request.query.to ?? cp.size;
      const { from } = request.query;
      if (to > cp.size)
        throw invalid('size beyond the latest checkpoint', [{ path: 'to', message: `at most ${cp.size}` }]);
      if (from > to) throw invalid('from must not exceed to', [{ path: 'from', message: `at most ${to}` }]);
      const proof = await consistencyProof(ctx.store.db, from, to);
      return { from, to, proof: proof.map(b64) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/labels/:id/inclusion',
    {
      schema: {
        tags: ['log'],
        summary: "A label's issuance entry, its inclusion proof and the checkpoint it verifies against",
      },
    },
    async (request) => labelInclusion(ctx, request.params.id),
  );
}
