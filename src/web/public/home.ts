/** Home: the registry search with its facets, results and pages of results. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { FACET_NAMES } from '../../workflow/registry/search-index.js';
import { searchRegistry } from '../../workflow/registry.js';
import { providerNames } from '../../workflow/registry-facets.js';
import { many, one } from '../query.js';
import { renderPage } from '../render.js';

const PAGE_SIZE = 20;
const FACETS = FACET_NAMES;
type Query = Partial<Record<(typeof FACETS)[number] | 'q' | 'sort' | 'offset', string | string[]>>;

export function registerHomePage(app: FastifyInstance, ctx: Context) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const q = one(request.query.q) ?? '';
    const sort = one(request.query.sort) || 'name';
    const selected = Object.fromEntries(FACETS.map((f) => [f, many(request.query[f])])) as Record<
      (typeof FACETS)[number],
      string[]
    >;
    const result = await searchRegistry(ctx, {
      ...selected,
      q,
      sort,
      limit: PAGE_SIZE,
      offset: one(request.query.offset) ?? 0,
    });
    const names = await providerNames(ctx, Object.keys(result.facets.provider));
    const facets = FACETS.map((name) => ({
      name,
      values: Object.entries(result.facets[name])
        .map(([value, count]) => ({
          value,
          count,
          label: name === 'provider' ? (names.get(value) ?? value) : value,
          checked: selected[name].includes(value),
        }))
        // Selected values stay listed even when the other filters leave none of them.
        .concat(
          selected[name]
            .filter((v) => !(v in result.facets[name]))
            .map((value) => ({ value, count: 0, label: names.get(value) ?? value, checked: true })),
        ),
    }));
    // The same search without paging, for the links of the pagination.
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    for (const f of FACETS) for (const v of selected[f]) params.append(f, v);
    if (sort !== 'name') params.set('sort', sort);
    const base = params.toString();
    const pages = Math.ceil(result.total / PAGE_SIZE);
    const current = Math.floor(result.offset / PAGE_SIZE);
    const pageHref = (n: number) => {
      const p = new URLSearchParams(base);
      if (n > 0) p.set('offset', String(n * PAGE_SIZE));
      const s = p.toString();
      return s ? `/?${s}` : '/';
    };
    return renderPage(ctx, request, reply, 'public/home', {
      title: 'public.home.title',
      nav: 'home',
      q,
      sort,
      result,
      facets,
      filtered: Boolean(q) || FACETS.some((f) => selected[f].length > 0),
      pagination: {
        pages,
        current,
        links: Array.from({ length: pages }, (_, n) => ({ n, href: pageHref(n) })),
      },
    });
  });
}
