// GET and POST /v1/openadr/{sourceId}/notifications: the OpenADR 3 subscription callback.
// GET ?echo= answers the VTN's callback check; POST carries notifications.

import { publicHandler } from '../../lib/adapters/http/middleware';
import { authenticateSubscription, receiveNotification } from '../../lib/app/signals/openadr';
import { InvalidArgumentError } from '../../lib/domain/errors';

export const handler = publicHandler(async (request) => {
  const source = await authenticateSubscription(
    request.deps,
    request.path.sourceId ?? '',
    request.headers.authorization,
  );
  if (request.method === 'GET') {
    const echo = request.query.echo;
    if (echo === undefined || echo.length > 1_024) {
      throw new InvalidArgumentError('the callback check needs an echo value', 'missing_echo');
    }
    return { body: echo };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new InvalidArgumentError('the notification is not valid JSON', 'malformed_json');
  }
  return { body: await receiveNotification(request.deps, source, body) };
});
