// GET /v1/openapi.json: the OpenAPI 3.1 document of this API.

import { httpHandler } from '../../lib/adapters/http/middleware';
import { openApiDocument } from '../../lib/adapters/http/openapi';

const document = openApiDocument();

export const handler = httpHandler({ role: 'viewer' }, async () => ({ body: document }));
