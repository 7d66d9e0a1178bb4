// Identifiers: UUIDv7 for events (time-ordered, so history pages by key), random UUIDs for
// tokens and audit rows.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Ids } from '../ports/clock';

export function uuidv7(nowMs = Date.now()): string {
  const bytes = randomBytes(16);
  const time = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const systemIds: Ids = {
  eventId: () => uuidv7(),
  token: () => randomUUID(),
};
