// `npm start`: the embedded local stack on 127.0.0.1 with the sample fleet, its data kept under
// .local/ across restarts. Ctrl-C or SIGTERM stops everything; a second Ctrl-C forces the exit.

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSampleFleet, type SampleMiner } from '../fleet/sample-fleet';
import { type Stack, startStack } from '../stack';
import { numberFlag, parseFlags, portFromEnv, REPO_ROOT, runMain } from './args';
import { routeLogs } from './demo-logs';
import {
  addressInUse,
  ensurePortsFree,
  guardJvms,
  killChildren,
  onStopSignals,
} from './demo-process';

const USAGE = `usage: npm start -- [--speed N] [--fresh] [--data-dir DIR]

  --speed     time compression of the simulated miners' ramps and telemetry (default 1)
  --fresh     wipe the stored DynamoDB data (<data-dir>/dynamodb) before starting
  --data-dir  where keys, DynamoDB data and logs live (default <repo>/.local)
  env PORT (API, default 3000, 0 = any free port), MQTT_PORT (default 1883)
`;

async function main(): Promise<number> {
  const values = parseFlags(process.argv.slice(2), {
    speed: { type: 'string' },
    fresh: { type: 'boolean' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const speed = numberFlag(values, 'speed', 1, { min: 0.1, max: 1_000 });
  const port = portFromEnv('PORT', 3000);
  const mqttPort = portFromEnv('MQTT_PORT', 1883);
  const dataDirFlag = values['data-dir'];
  const dataDir =
    typeof dataDirFlag === 'string' ? resolve(dataDirFlag) : join(REPO_ROOT, '.local');
  const logFile = join(dataDir, 'logs', 'curtail.log');
  const logs = routeLogs(logFile);

  const busy = await ensurePortsFree([
    { port, name: 'PORT' },
    { port: mqttPort, name: 'MQTT_PORT' },
  ]);
  if (busy) {
    process.stderr.write(`start: ${busy}\n`);
    return 1;
  }
  if (values.fresh) rmSync(join(dataDir, 'dynamodb'), { recursive: true, force: true });

  let stack: Stack | undefined;
  let stopping = false;
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolveDone) => {
    stopped = resolveDone;
  });
  onStopSignals(
    (signal) => {
      stopping = true;
      process.stdout.write(`\n${signal}: stopping the stack (Ctrl-C again to force)...\n`);
      stopped();
    },
    () => {
      process.stderr.write('start: forcing exit\n');
      killChildren();
      process.exit(130);
    },
  );

  const fleet = loadSampleFleet();
  process.stdout.write(`starting the local stack (${fleet.length} miners, speed ${speed}x)...\n`);
  try {
    stack = await startStack({
      dataDir,
      port,
      mqttPort,
      fleet,
      speed,
      sweepIntervalMs: Math.max(10_000, 60_000 / speed),
    });
  } catch (error) {
    logs.restore();
    const inUse = addressInUse(error);
    if (inUse) process.stderr.write(`start: ${inUse}\n`);
    else process.stderr.write(`start: the stack did not start: ${String(error)}\n`);
    return 1;
  }
  const unguard = guardJvms();
  if (!stopping) {
    const live = await stack.deps.events.listLive(stack.orgId).catch(() => []);
    process.stdout.write(banner({ stack, fleet, speed, dataDir, logFile, live: live.length }));
    announceTelemetry(stack, fleet, () => stopping);
  }
  await done;
  await stack.stop();
  unguard();
  logs.restore();
  process.stdout.write('stopped: simulator, API, broker and DynamoDB Local are down\n');
  return 0;
}

/** The selector needs fresh telemetry: say when every reporting miner has a sample from now. */
function announceTelemetry(stack: Stack, fleet: SampleMiner[], stopping: () => boolean): void {
  const since = new Date().toISOString();
  const started = Date.now();
  const silent = new Set(['offline', 'silent']);
  const expected = fleet.filter((m) => !silent.has(m.profile.behaviour)).length;
  process.stdout.write(`waiting for telemetry from the ${expected} reporting miners...\n`);
  const poll = async () => {
    while (!stopping() && Date.now() - started < 300_000) {
      const miners = await stack.deps.fleet.loadFleet(stack.orgId);
      const fresh = miners.filter((m) => m.telemetry && m.telemetry.at >= since).length;
      if (fresh >= expected) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(`telemetry stored for ${fresh} miners after ${seconds} s: ready\n`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  poll().catch(() => undefined);
}

interface BannerInput {
  stack: Stack;
  fleet: SampleMiner[];
  speed: number;
  dataDir: string;
  logFile: string;
  live: number;
}

function banner({ stack, fleet, speed, dataDir, logFile, live }: BannerInput): string {
  const sites = new Map<string, number>();
  for (const miner of fleet) {
    sites.set(miner.inventory.siteId, (sites.get(miner.inventory.siteId) ?? 0) + 1);
  }
  const siteList = [...sites].map(([site, count]) => `${site} ${count}`).join(', ');
  const api = stack.apiUrl;
  const defaultKeys = dataDir === join(REPO_ROOT, '.local');
  const token = `npm run -s token -- --org ${stack.orgId} --role operator`;
  return [
    '',
    `curtail local stack is up (speed ${speed}x)`,
    `  API    ${api}`,
    `  MQTT   ${stack.mqttUrl}`,
    `  org    ${stack.orgId}: ${fleet.length} miners on ${sites.size} sites (${siteList})`,
    `  data   ${join(dataDir, 'dynamodb')} (kept across restarts; --fresh wipes it)`,
    `  logs   ${logFile}`,
    ...(live > 0 ? [`  ${live} live event(s) found in the stored data: resumed`] : []),
    '',
    'Get a token and call the API:',
    defaultKeys
      ? `  export TOKEN=$(${token})`
      : `  (tokens are signed with ${join(dataDir, 'keys')}; npm run token uses .local/keys)`,
    `  curl -s -H "authorization: Bearer $TOKEN" ${api}/v1/events/active`,
    `  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d '{"scope":{"type":"org"},"mode":"fixed_kw","targetKw":500}' ${api}/v1/preview`,
    '',
    'Ctrl-C stops everything (a second Ctrl-C forces the exit).',
    '',
  ].join('\n');
}

runMain('start', USAGE, main);
