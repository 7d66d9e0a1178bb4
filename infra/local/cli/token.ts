// `npm run token -- --org ORG --role ROLE`: mints a bearer token for the local stack and prints
// only the token, so it can be captured with $(npm run -s token -- ...).

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ActorType, loadOrCreateSigningKey, type Role, type TokenClaims } from '../identity';

// This file lives in <root>/infra/local/cli, so the repository root is three levels up.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KEY_DIR = join(REPO_ROOT, '.local', 'keys');

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const ACTORS: readonly ActorType[] = ['user', 'scheduler', 'api_key'];
const ORG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SUBJECT_PATTERN = /^[A-Za-z0-9._:@|-]{1,128}$/;
const MAX_TTL_SECONDS = 30 * 24 * 3600;

const USAGE = `usage: npm run token -- --org ORG --role viewer|operator|admin
         [--actor user|scheduler|api_key] [--sub ID] [--ttl SECONDS]

  --org    organisation id, /^[a-z0-9][a-z0-9-]{0,62}$/
  --role   viewer | operator | admin
  --actor  actor type written to actor_type (default user)
  --sub    subject (default <actor>-local)
  --ttl    lifetime in seconds, 1..${MAX_TTL_SECONDS} (default 3600)
`;

class UsageError extends Error {}

function parse(argv: string[]): { claims: TokenClaims; ttl: number } {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        org: { type: 'string' },
        role: { type: 'string' },
        actor: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : 'invalid arguments');
  }

  const { org, role, actor = 'user', sub, ttl = '3600' } = values;
  if (!org || !ORG_PATTERN.test(org)) throw new UsageError('--org is missing or invalid');
  const roleValue = ROLES.find((r) => r === role);
  if (!roleValue) throw new UsageError('--role must be viewer, operator or admin');
  const actorValue = ACTORS.find((a) => a === actor);
  if (!actorValue) throw new UsageError('--actor must be user, scheduler or api_key');
  if (sub !== undefined && !SUBJECT_PATTERN.test(sub)) throw new UsageError('--sub is invalid');
  const ttlValue = /^\d+$/.test(ttl) ? Number(ttl) : Number.NaN;
  if (!(ttlValue >= 1 && ttlValue <= MAX_TTL_SECONDS)) throw new UsageError('--ttl is invalid');

  const claims: TokenClaims = { orgId: org, role: roleValue, actorType: actorValue };
  if (sub !== undefined) claims.subject = sub;
  return { claims, ttl: ttlValue };
}

async function main(): Promise<number> {
  let parsed: { claims: TokenClaims; ttl: number };
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n${USAGE}`);
    return 2;
  }
  const issuer = await loadOrCreateSigningKey(KEY_DIR);
  process.stdout.write(`${await issuer.sign(parsed.claims, parsed.ttl)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : 'failed'}\n`);
    process.exitCode = 1;
  },
);
