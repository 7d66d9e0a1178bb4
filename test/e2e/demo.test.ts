// The local CLIs as a user runs them: `npm run demo` plays a whole event on a small generated
// fleet and exits 0; `npm start` boots, answers the API and leaves no DynamoDB Local JVM behind.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey } from '../../infra/local/identity';
import { ROOT } from '../../infra/local/stack';
import { waitFor } from '../support/stack';

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn('npx', ['tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** Every process below `root`, with its parent and command line (ps works on Linux and macOS). */
function descendants(root: number): { pid: number; ppid: number; command: string }[] {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,command='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .flatMap((m) => (m ? [{ pid: Number(m[1]), ppid: Number(m[2]), command: m[3] ?? '' }] : []));
  const found: typeof rows = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const runs: Run[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const { child } of runs) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('plays a curtailment on a 300-miner fleet and exits 0 with a summary', async () => {
    const demo = run(['infra/local/cli/demo.ts', '--speed', '100', '--fleet-size', '300']);
    runs.push(demo);
    const code = await demo.exited;
    const output = demo.output();
    expect(code, output).toBe(0);
    expect(output).toMatch(/final state\s+completed(_with_failures)?\n/);
    expect(output).toMatch(/result\s+PASS/);
    expect(output).toMatch(/restore waves\s+[2-9]/);
  }, 420_000);
});

describe('npm start', () => {
  it('serves the API on the printed URL and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'curtail-start-'));
    dirs.push(dataDir);
    const start = run(['infra/local/cli/start.ts', '--data-dir', dataDir, '--speed', '10'], {
      PORT: '0',
      MQTT_PORT: '0',
    });
    runs.push(start);
    const apiUrl = await waitFor(
      async () => /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(start.output())?.[1],
      { what: 'the API URL in the banner', timeoutMs: 90_000, intervalMs: 200 },
    );
    const issuer = await loadOrCreateSigningKey(join(dataDir, 'keys'));
    const token = await issuer.sign({ orgId: 'demo', role: 'operator' });
    const response = await fetch(`${apiUrl}/v1/events/active`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ events: [] });

    const pid = start.child.pid ?? 0;
    const java = descendants(pid).find((p) => p.command.includes('DynamoDBLocal'));
    expect(java, 'a DynamoDB Local JVM below the start process').toBeDefined();
    const jvm = java?.pid ?? 0;
    // Ctrl-C as the stack's own process sees it: SIGINT to the parent of the JVM.
    process.kill(java?.ppid ?? 0, 'SIGINT');
    expect(await start.exited).toBe(0);
    expect(start.output()).toMatch(/stopped: simulator, API, broker and DynamoDB Local are down/);
    expect(alive(jvm), `DynamoDB Local JVM ${jvm} outlived npm start`).toBe(false);
  }, 180_000);
});
