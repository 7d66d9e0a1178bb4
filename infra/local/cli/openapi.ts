// Writes docs/openapi.json from the request schemas (npm run openapi).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../../../lib/adapters/http/openapi';
import { ROOT } from '../stack';

writeFileSync(join(ROOT, 'docs/openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
