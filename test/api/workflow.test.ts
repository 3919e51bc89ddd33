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
  describe(`label workflow over HTTP (${engine})`, () => {
    let svc: TestService;
    let authority: Party;
    let assessor: Party;
    let provider: Party;
    before(async () => {
      svc = await startService(engine);
      authority = await createParty(svc, 'authority');
      assessor = await createParty(svc, 'assessor');
      provider = await createParty(svc, 'provider', '3DS Outscale SAS');
    });
    after(() => svc.close());

    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      party?: Party,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) =>
      svc.app.inject({
        method,
        url,
        headers: { ...auth(party), ...headers },
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });

    it('takes a declaration from draft to a verifiable label, then revokes it', async () => {
      const saved = await call('POST', '/v1/declarations', provider, example);
      assert.equal(saved.statusCode, 201, saved.body);
      assert.equal(saved.json().version, 1);

      const submitted = await call('POST', '/v1/applications', provider, {
        offerId: example.offer.id,
        targetLevel: 'trusted',
      });
      assert.equal(submitted.statusCode, 201, submitted.body);
      const app = submitted.json();
      assert.equal(app.state, 'submitted');
      assert.equal(app.evaluation.referential.id, 'cloud-de-confiance');
      assert.deepEqual(app.review.pendingReviews, ['CDC-IMM-03']);

      // Deciding before review is an illegal transition.
      const early = await call('POST', `/v1/applications/${app.id}/decision`, authority, {
        outcome: 'grant',
        level: 'trusted',
      });
      assert.equal(early.statusCode, 409);

      const assigned = await call('POST', `/v1/applications/${app.id}/assign`, authority, {
        assessorId: assessor.userId,
      });
      assert.equal(assigned.statusCode, 200, assigned.body);
      assert.equal(assigned.json().state, 'in-review');

      const incomplete = await call('POST', `/v1/applications/${app.id}/complete-review`, assessor);
      assert.equal(incomplete.statusCode, 409);
      assert.match(incomplete.json().message, /manual-review/);

      const overturn = await call('POST', `/v1/applications/${app.id}/verdicts`, assessor, {
        verdicts: [{ criterionId: 'BASE-IAM-01', status: 'fail' }],
      });
      assert.equal(overturn.statusCode, 400);
      assert.equal(overturn.json().details[0].path, '$.verdicts[0].comment');

      const verdicts = await call('POST', `/v1/applications/${app.id}/verdicts`, assessor, {
        verdicts: [
          {
            criterionId: 'CDC-IMM-03',
            status: 'pass',
            comment: 'No link found in the registry of beneficial owners.',
          },
        ],
      });
      assert.equal(verdicts.statusCode, 200, verdicts.body);
      const reviewed = await call('POST', `/v1/applications/${app.id}/complete-review`, assessor);
      assert.equal(reviewed.statusCode, 200, reviewed.body);
      assert.equal(reviewed.json().state, 'reviewed');

      const granted = await call('POST', `/v1/applications/${app.id}/decision`, authority, {
        outcome: 'grant',
        level: 'trusted',
      });
      assert.equal(granted.statusCode, 200, granted.body);
      const labelId = granted.json().labelId as string;
      assert.ok(labelId);

      const credential = await call('GET', `/v1/labels/${labelId}/credential`);
      assert.equal(credential.statusCode, 200);
      assert.match(credential.headers['content-type'] as string, /application\/vc\+jwt/);

      const verified = await call('POST', '/v1/verify', undefined, { credential: credential.body });
      assert.equal(verified.statusCode, 200);
      assert.equal(verified.json().status, 'valid', JSON.stringify(verified.json().reasons));
      assert.equal(verified.json().checks.log.included, true);

      const revoked = await call('POST', `/v1/labels/${labelId}/revoke`, authority, {
        reason: 'Qualification withdrawn by ANSSI.',
      });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.equal(revoked.json().state, 'revoked');
      const again = await call('POST', `/v1/labels/${labelId}/reinstate`, authority, { reason: 'no' });
      assert.equal(again.statusCode, 409);

      const afterRevocation = await call('POST', '/v1/verify', undefined, { credential: credential.body });
      assert.equal(afterRevocation.json().status, 'revoked');
    });
  });
}
