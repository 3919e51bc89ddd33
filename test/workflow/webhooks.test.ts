import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { WorkflowError } from '../../src/workflow/errors.js';
import {
  MAX_ATTEMPTS,
  RETRY_BASE_MS,
  RETRY_CAP_MS,
  retryDelayMs,
} from '../../src/workflow/webhooks/delivery.js';
import { signatureHeader, verifyWebhookSignature } from '../../src/workflow/webhooks/signature.js';
import { validateWebhookUrl } from '../../src/workflow/webhooks.js';

const secret = 'whsec_test-secret';
const body = JSON.stringify({ id: 'e1', type: 'label.revoked', occurredAt: '2026-11-29T10:00:00.000Z' });
const sentAt = new Date('2026-11-29T10:00:00.000Z');

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the t=…,v1=… format', () => {
    const header = signatureHeader(secret, body, sentAt);
    const t = sentAt.getTime() / 1000;
    const hex = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(header, `t=${t},v1=${hex}`);
  });

  it('accepts a genuine signature within the tolerance', () => {
    const header = signatureHeader(secret, body, sentAt);
    const check = verifyWebhookSignature(secret, header, body, new Date(sentAt.getTime() + 299_000), 300);
    assert.deepEqual(check, { ok: true, timestamp: sentAt.getTime() / 1000 });
  });

  it('rejects a tampered body', () => {
    const header = signatureHeader(secret, body, sentAt);
    const check = verifyWebhookSignature(secret, header, body.replace('revoked', 'issued'), sentAt);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.reason, 'mismatch');
  });

  it('rejects the wrong secret', () => {
    const header = signatureHeader('whsec_other', body, sentAt);
    const check = verifyWebhookSignature(secret, header, body, sentAt);
    assert.equal(!check.ok && check.reason, 'mismatch');
  });

  it('rejects a replay outside the tolerance, in the past or the future', () => {
    const header = signatureHeader(secret, body, sentAt);
    const late = verifyWebhookSignature(secret, header, body, new Date(sentAt.getTime() + 301_000), 300);
    assert.equal(!late.ok && late.reason, 'stale');
    const early = verifyWebhookSignature(secret, header, body, new Date(sentAt.getTime() - 301_000), 300);
    assert.equal(!early.ok && early.reason, 'stale');
  });

  it('rejects a timestamp changed without re-signing', () => {
    const header = signatureHeader(secret, body, sentAt).replace(/^t=(\d+)/, (_m, t) => `t=${Number(t) + 1}`);
    const check = verifyWebhookSignature(secret, header, body, sentAt);
    assert.equal(!check.ok && check.reason, 'mismatch');
  });

  it('rejects missing or malformed headers', () => {
    for (const header of [undefined, '', 'v1=abc', `t=${sentAt.getTime() / 1000}`, 't=x,v1=zz', 'garbage']) {
      const check = verifyWebhookSignature(secret, header, body, sentAt);
      assert.equal(!check.ok && check.reason, 'malformed', String(header));
    }
  });

  it('accepts any one of several v1 entries (secret rotation)', () => {
    const genuine = signatureHeader(secret, body, sentAt);
    const other = signatureHeader('whsec_old', body, sentAt).split(',')[1];
    assert.equal(verifyWebhookSignature(secret, `${genuine},${other}`, body, sentAt).ok, true);
    assert.equal(verifyWebhookSignature(secret, `${genuine.split(',')[0]},${other}`, body, sentAt).ok, false);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from 30 s, with the wait between half and all of the ceiling', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
      assert.equal(
        retryDelayMs(attempt, () => 0),
        ceiling / 2,
      );
      assert.equal(
        retryDelayMs(attempt, () => 0.999999),
        Math.round(ceiling / 2 + (0.999999 * ceiling) / 2),
      );
      const random = retryDelayMs(attempt);
      assert.ok(random >= ceiling / 2 && random <= ceiling, `attempt ${attempt}: ${random}`);
    }
    assert.equal(
      retryDelayMs(1, () => 1),
      30_000,
    );
    assert.equal(
      retryDelayMs(2, () => 1),
      60_000,
    );
    assert.equal(
      retryDelayMs(5, () => 1),
      480_000,
    );
  });

  it('is capped at 6 hours', () => {
    assert.equal(
      retryDelayMs(11, () => 1),
      6 * 3600_000,
    );
    assert.equal(
      retryDelayMs(40, () => 1),
      6 * 3600_000,
    );
    assert.equal(MAX_ATTEMPTS, 12);
  });
});

describe('webhook URLs', () => {
  const refused = (url: string, why: RegExp) => {
    assert.throws(
      () => validateWebhookUrl(url),
      (err: unknown) =>
        err instanceof WorkflowError && err.kind === 'invalid' && why.test(err.details[0]!.message),
      url,
    );
  };

  it('accepts https anywhere and http on loopback only', () => {
    assert.equal(validateWebhookUrl('https://rp.example/hooks?x=1'), 'https://rp.example/hooks?x=1');
    for (const url of [
      'http://127.0.0.1:8080/h',
      'http://127.1.2.3/h',
      'http://localhost:3000/h',
      'http://[::1]:9/h',
    ]) {
      assert.equal(validateWebhookUrl(url), url);
    }
  });

  it('refuses other schemes, plain http elsewhere, credentials and fragments', () => {
    refused('http://rp.example/h', /https/);
    refused('http://10.0.0.1/h', /https/);
    refused('http://localhost.evil.example/h', /https/);
    refused('ftp://rp.example/h', /https/);
    refused('file:///etc/passwd', /https/);
    refused('https://user:pw@rp.example/h', /credentials/);
    refused('https://token@rp.example/h', /credentials/);
    refused('https://rp.example/h#frag', /fragment/);
    refused('not a url', /absolute/);
  });
});
