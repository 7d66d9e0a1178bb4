// Standard Webhooks signatures: HMAC-SHA256 over "id.timestamp.body" with the source's secret,
// sent as "v1,<base64>" (several, space separated, while a secret is being rotated), accepted
// within five minutes of the sender's timestamp and compared in constant time.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const REPLAY_WINDOW_SEC = 5 * 60;
const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function keyBytes(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

export function sign(secret: string, id: string, timestamp: string, body: string | Buffer): string {
  const mac = createHmac('sha256', keyBytes(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export function verifySignature(input: {
  secrets: string[];
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowSec: number;
}): SignatureVerdict {
  const { id, timestamp, signature } = input;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing_headers' };
  }
  if (Math.abs(input.nowSec - Number(timestamp)) > REPLAY_WINDOW_SEC) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const offered = signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  for (const secret of input.secrets) {
    const expected = Buffer.from(sign(secret, id, timestamp, input.body).slice(3), 'base64');
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        return { ok: true };
      }
    }
  }
  return { ok: false, reason: 'bad_signature' };
}
