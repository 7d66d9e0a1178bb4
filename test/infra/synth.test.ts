// The real `cdk synth` as CI runs it: the CDK CLI with telemetry off, esbuild bundling every
// entry, cdk-nag (AwsSolutions) on; any unacknowledged finding makes it exit non-zero.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/aws/config';

const run = promisify(execFile);
const output = mkdtempSync(join(tmpdir(), 'curtail-synth-'));

afterAll(() => rmSync(output, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('exits 0 with cdk-nag on and writes both stacks', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const result = await run('npx', ['cdk', 'synth', '--quiet', '--output', output], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      () => 0,
      (error: { code?: number; stderr?: string }) => {
        console.error(error.stderr?.slice(-4000));
        return error.code ?? 1;
      },
    );
    console.info(`cdk synth took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(result).toBe(0);
    expect(existsSync(join(output, 'curtail-dev-stateful.template.json'))).toBe(true);
    expect(existsSync(join(output, 'curtail-dev-stateless.template.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(output, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string }[];
    };
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
  });

  it('bundles ESM with source maps, the require shim and the AWS SDK left out', () => {
    const bundles = readdirSync(output)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(output, name))
      .filter((dir) => existsSync(join(dir, 'index.mjs')));
    expect(bundles.length).toBeGreaterThan(20);
    for (const dir of bundles) {
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.slice(0, 300)).toContain('createRequire');
      // Imported from the runtime's SDK, not bundled.
      expect(code).toContain('from"@aws-sdk/lib-dynamodb"');
    }
  });
});
