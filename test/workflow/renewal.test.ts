import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../helpers/cli.js';
import {
  auth,
  createParty,
  engines,
  type Party,
  startService,
  type TestService,
} from '../helpers/service.js';

const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'secnumcloud-iaas-fr.json'), 'utf8'));

for (const engine of await engines()) {
  describe(`label renewal (${engine})`, () => {
    let svc: TestService;
    let provider: Party;
    let assessor: Party;
    let authority: Party;
    before(async () => {
      svc = await startService(engine);
      provider = await createParty(svc, 'provider');
      assessor = await createParty(svc, 'assessor');
      authority = await createParty(svc, 'authority');
    });
    after(() => svc.close());

    const post = async (url: string, party: Party, payload: unknown) => {
      const r = await svc.app.inject({
        method: 'POST',
        url,
        headers: auth(party),
        payload: payload as object,
      });
      assert.ok(r.statusCode < 300, `${url}: ${r.statusCode} ${r.body}`);
      return r.json();
    };
    const grant = async (level: string) => {
      const app = await post('/v1/applications', provider, { offerId: example.offer.id, targetLevel: level });
      await post(`/v1/applications/${app.id}/assign`, authority, { assessorId: assessor.userId });
      await post(`/v1/applications/${app.id}/verdicts`, assessor, {
        verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'checked' }],
      });
      await post(`/v1/applications/${app.id}/complete-review`, assessor, {});
      return (await post(`/v1/applications/${app.id}/decision`, authority, { outcome: 'grant', level }))
        .labelId as string;
    };

    it('supersedes the previous label of the offer when a new one is granted', async () => {
      await post('/v1/declarations', provider, example);
      const first = await grant('trusted');
      svc.clock.advanceDays(100);
      const second = await grant('eu-data');
      const old = (await svc.app.inject({ method: 'GET', url: `/v1/labels/${first}` })).json();
      assert.equal(old.state, 'revoked');
      assert.equal(old.stateReason, `superseded by label ${second}`);
      const current = (await svc.app.inject({ method: 'GET', url: `/v1/labels/${second}` })).json();
      assert.equal(current.state, 'active');
      assert.equal(current.level, 'eu-data');
      const credential = (await svc.app.inject({ method: 'GET', url: `/v1/labels/${first}/credential` }))
        .body;
      const verified = (
        await svc.app.inject({ method: 'POST', url: '/v1/verify', payload: { credential } })
      ).json();
      assert.equal(verified.status, 'revoked');
      const entries = (await svc.app.inject({ method: 'GET', url: '/v1/log/entries?start=0&end=100' })).json()
        .items;
      assert.equal(entries.at(-1).entry.type, 'label.revoked');
      assert.equal(entries.at(-1).entry.subject, `urn:uuid:${first}`);
    });
  });
}
