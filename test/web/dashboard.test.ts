/**
 * The dashboard's figures (src/workflow/dashboard.ts) from a workflow driven step by step with the
 * service clock moved between steps: time spent in each state, revocations by month (renewals left
 * out), labels in force by level, country and service model, applications by state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dashboardFigures, median } from '../../src/workflow/dashboard.js';
import { createParty, startService, type TestService } from '../helpers/service.js';
import { type Cast, expectStatus, injectClient, type Json, WorkflowBuilder } from '../helpers/workflow.js';

describe('dashboard figures', () => {
  let svc: TestService;
  /** Before the renewals, which go through in no time, and after. */
  let early: Awaited<ReturnType<typeof dashboardFigures>>;
  let figures: Awaited<ReturnType<typeof dashboardFigures>>;

  before(async () => {
    svc = await startService('sqlite');
    const client = injectClient(svc.app);
    const cast: Cast = {
      provider: await createParty(svc, 'provider'),
      assessor: await createParty(svc, 'assessor'),
      authority: await createParty(svc, 'authority'),
    };
    const builder = new WorkflowBuilder(client, cast);
    const call = async (method: string, url: string, as: Json, payload?: Json) =>
      expectStatus(await client.request(method, url, { as, ...(payload ? { payload } : {}) }), 200, url);

    // One application through every step: 2 days submitted, 4 in review, 1 reviewed.
    const first = await builder.build('submitted');
    const app = `/v1/applications/${first.applicationId}`;
    svc.clock.advanceDays(2);
    const assigned = await call('POST', `${app}/assign`, cast.authority, {
      assessorId: cast.assessor.userId,
    });
    svc.clock.advanceDays(4);
    const verdicts = (assigned.review.pendingReviews as string[]).map((criterionId) => ({
      criterionId,
      status: 'pass',
    }));
    if (verdicts.length) await call('POST', `${app}/verdicts`, cast.assessor, { verdicts });
    const reviewed = await call('POST', `${app}/complete-review`, cast.assessor);
    svc.clock.advanceDays(1);
    const decided = await call('POST', `${app}/decision`, cast.authority, {
      outcome: 'grant',
      level: reviewed.review.level,
    });
    // A second one waits 4 days before its assessor is named: submitted's median is (2 + 4) / 2.
    const second = await builder.build('submitted');
    svc.clock.advanceDays(4);
    await call('POST', `/v1/applications/${second.applicationId}/assign`, cast.authority, {
      assessorId: cast.assessor.userId,
    });
    // December 2026: the first label revoked; a renewal supersedes another label (not a revocation).
    svc.clock.advanceDays(3);
    await call('POST', `/v1/labels/${decided.labelId}/revoke`, cast.authority, {
      reason: 'Test revocation.',
    });
    early = await dashboardFigures(svc.ctx);
    const renewed = await builder.build('granted');
    await builder.build('granted', { offerId: renewed.offerId });
    await builder.build('granted', {
      mutate: (d) => {
        d.offer.serviceModel = 'PaaS';
      },
    });
    figures = await dashboardFigures(svc.ctx);
  });
  after(() => svc?.close());

  it('measures the median time spent in each state of the workflow', () => {
    const byState = Object.fromEntries(early.medianDaysInState.map((m) => [m.state, m]));
    assert.deepEqual(byState.submitted, { state: 'submitted', medianDays: 3, count: 2 });
    assert.deepEqual(byState['in-review'], { state: 'in-review', medianDays: 4, count: 1 });
    assert.deepEqual(byState.reviewed, { state: 'reviewed', medianDays: 1, count: 1 });
    // Three more applications through every state at once: 2, 4, 0, 0, 0 days submitted.
    const later = Object.fromEntries(figures.medianDaysInState.map((m) => [m.state, m]));
    assert.deepEqual(later.submitted, { state: 'submitted', medianDays: 0, count: 5 });
    assert.equal(median([1, 7, 3]), 3);
    assert.equal(median([]), null);
  });

  it('counts revocations by month, renewals left out', () => {
    assert.deepEqual(early.revocationsByMonth, [{ key: '2026-12', count: 1 }]);
    assert.deepEqual(figures.revocationsByMonth, [{ key: '2026-12', count: 1 }]);
  });

  it('counts labels in force and applications by state', () => {
    // Granted: the first (revoked since), the renewed offer twice (the first superseded), the PaaS offer.
    assert.equal(figures.labelsInForce, 2);
    assert.deepEqual(
      figures.byServiceModel.filter((c) => c.count > 0),
      [
        { key: 'IaaS', count: 1 },
        { key: 'PaaS', count: 1 },
      ],
    );
    assert.deepEqual(figures.byCountry, [{ key: 'FR', count: 2 }]);
    assert.equal(
      figures.byLevel.reduce((n, c) => n + c.count, 0),
      2,
    );
    const apps = Object.fromEntries(figures.applicationsByState.map((c) => [c.key, c.count]));
    assert.deepEqual(apps, {
      submitted: 0,
      'in-review': 1,
      reviewed: 0,
      granted: 4,
      refused: 0,
      withdrawn: 0,
    });
  });
});
