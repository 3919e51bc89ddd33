/** The public dashboard: figures of the label (src/workflow/dashboard.ts) as SVG charts with their tables. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { dashboardFigures } from '../../workflow/dashboard.js';
import { barChart, columnChart, type Datum } from '../charts.js';
import { pageContext, renderPage } from '../render.js';

export function registerDashboardPage(app: FastifyInstance, ctx: Context) {
  app.get('/dashboard', async (request, reply) => {
    const figures = await dashboardFigures(ctx);
    const { t, fmt, lang } = await pageContext(ctx, request, reply);
    const count = (label: string, value: number): Datum => ({ label, value, text: fmt.number(value) });
    const month = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const sections = [
      {
        id: 'by-level',
        kind: 'bars',
        data: figures.byLevel.map((c) => count(fmt.level(c.key), c.count)),
      },
      {
        id: 'by-country',
        kind: 'bars',
        data: figures.byCountry.map((c) => count(fmt.country(c.key), c.count)),
      },
      {
        id: 'by-region',
        kind: 'bars',
        data: figures.byRegion.map((c) => count(`${c.key} (${fmt.country(c.country)})`, c.count)),
      },
      {
        id: 'by-service-model',
        kind: 'bars',
        data: figures.byServiceModel.map((c) => count(c.key, c.count)),
      },
      {
        id: 'applications',
        kind: 'bars',
        data: figures.applicationsByState.map((c) => count(t(`public.application.${c.key}`), c.count)),
      },
      {
        id: 'median-days',
        kind: 'bars',
        note: 'public.dashboard.median-days.note',
        data: figures.medianDaysInState.map((m) => ({
          label: t(`public.application.${m.state}`),
          value: m.medianDays ?? 0,
          text:
            m.medianDays === null
              ? t('public.dashboard.noData')
              : t('public.dashboard.days', { days: fmt.number(m.medianDays, 1), count: m.count }),
        })),
      },
      {
        id: 'revocations',
        kind: 'columns',
        note: 'public.dashboard.revocations.note',
        data: figures.revocationsByMonth.map((c) =>
          count(month.format(new Date(`${c.key}-01T00:00:00Z`)), c.count),
        ),
      },
    ].map((s: { id: string; kind: string; note?: string; data: Datum[] }) => ({
      ...s,
      chart: s.data.length === 0 ? null : s.kind === 'columns' ? columnChart(s.data) : barChart(s.data),
    }));
    return renderPage(ctx, request, reply, 'public/dashboard', {
      title: 'public.dashboard.title',
      nav: 'dashboard',
      breadcrumb: [{ key: 'public.dashboard.title' }],
      figures,
      sections,
    });
  });
}
