// POST /v1/signals/{sourceId}: a signed signal (Standard Webhooks). No JWT: the signature over
// the raw body is the authentication. Answered at once; the worker applies it.

import { parseJson, publicHandler } from '../../lib/adapters/http/middleware';
import { signalBody } from '../../lib/adapters/http/schemas';
import {
  acceptSignal,
  authenticateSource,
  requireValue,
} from '../../lib/app/signals/receive-signal';

export const handler = publicHandler(async (request) => {
  const sourceId = request.path.sourceId ?? '';
  const source = await authenticateSource(request.deps, sourceId, {
    headers: request.headers,
    body: request.rawBody,
  });
  const signal = parseJson(signalBody, request.rawBody);
  requireValue(signal, request.deps.clock.now());
  const answer = await acceptSignal(request.deps, source.orgId, source.sourceId, signal);
  return { status: answer.applied ? 202 : 200, body: answer };
});
