// The token CLI as a developer runs it: stdout carries only the token, bad input exits 2.

import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = 'infra/local/cli/token.ts';

async function token(args: string[]) {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('token CLI', () => {
  it('prints exactly one JWT line', async () => {
    const result = await token(['--org', 'demo', '--role', 'viewer']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = decodeJwt(result.stdout.trim());
    expect(payload).toMatchObject({ org_id: 'demo', role: 'viewer', actor_type: 'user' });
  });

  it('applies --actor, --sub and --ttl', async () => {
    const result = await token(
      ['--org', 'demo', '--role', 'admin', '--actor', 'scheduler'].concat([
        '--sub',
        'sched-7',
        '--ttl',
        '120',
      ]),
    );
    expect(result.code).toBe(0);
    const payload = decodeJwt(result.stdout.trim());
    expect(payload).toMatchObject({ sub: 'sched-7', actor_type: 'scheduler', role: 'admin' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
  });

  it.each([
    ['a bad role', ['--org', 'demo', '--role', 'root']],
    ['a bad org', ['--org', 'Demo!', '--role', 'viewer']],
    ['a missing org', ['--role', 'viewer']],
    ['an unknown option', ['--org', 'demo', '--role', 'viewer', '--admin']],
    ['a bad ttl', ['--org', 'demo', '--role', 'viewer', '--ttl', '-5']],
  ])('exits 2 with usage on stderr and nothing on stdout for %s', async (_, args) => {
    const result = await token(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('usage:');
  });
});
