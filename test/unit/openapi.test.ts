// The committed OpenAPI document matches the schemas, and documents exactly the routes served.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/local/stack';
import { HTTP_ROUTES } from '../../infra/manifest';
import { documentedRoutes, openApiDocument } from '../../lib/adapters/http/openapi';

describe('OpenAPI document', () => {
  it('is committed as generated (run npm run openapi after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documents every served route and nothing else', () => {
    const served = HTTP_ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(documentedRoutes().sort()).toEqual(served);
  });
});
