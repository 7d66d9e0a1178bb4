// `npm run demo`: boots a throwaway embedded stack with the sample fleet and plays a compressed
// grid emergency over the HTTP API (curtail a share of the eligible load, hold, staged restore).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../lib/domain/settings';
import { generateSampleFleet, loadSampleFleet } from '../fleet/sample-fleet';
import { type Stack, startStack } from '../stack';
import { numberFlag, parseFlags, REPO_ROOT, runMain } from './args';
import { routeLogs } from './demo-logs';
import { playDay } from './demo-play';
import { guardJvms, killChildren, onStopSignals } from './demo-process';
import { formatSummary } from './demo-report';

const USAGE = `usage: npm run demo -- [--speed N] [--share S] [--fleet-size N] [--hold SECONDS]
                       [--no-top-up]

  --speed       time compression of the simulated miners (default 60)
  --share       share of the eligible load the grid asks to shed, 0..1 (default 0.4)
  --fleet-size  generate a sample fleet of N miners instead of the shipped 2,400
  --hold        seconds to hold the curtailment once it is active (default 5)
  --no-top-up   do not start top-up events when the confirmed shed falls short
`;

const CONFIRM = {
  curtailConfirmTimeoutSec: 10,
  curtailMaxRetries: 2,
  restoreConfirmTimeoutSec: 20,
  restoreMaxRetries: 3,
};

const SWEEP_INTERVAL_MS = 10_000;

const print = (line: string) => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<number> {
  const wallStart = Date.now();
  const values = parseFlags(process.argv.slice(2), {
    speed: { type: 'string' },
    share: { type: 'string' },
    'fleet-size': { type: 'string' },
    hold: { type: 'string' },
    'no-top-up': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const speed = numberFlag(values, 'speed', 60, { min: 1, max: 1_000 });
  const share = numberFlag(values, 'share', 0.4, { min: 0.01, max: 1 });
  const size = numberFlag(values, 'fleet-size', 0, { min: 20, max: 10_000, integer: true });
  const holdSec = numberFlag(values, 'hold', 5, { min: 0, max: 600 });

  const logFile = join(REPO_ROOT, '.local', 'logs', 'demo.log');
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const logs = routeLogs(logFile);
  const dataDir = mkdtempSync(join(tmpdir(), 'curtail-demo-'));
  const fleet = size > 0 ? generateSampleFleet({ size }) : loadSampleFleet();

  let stack: Stack | undefined;
  let cleaning: Promise<void> | undefined;
  let unguard = () => {};
  const cleanup = () => {
    cleaning ??= (async () => {
      // Interrupted while booting: the JVM may be up without a stack to stop it.
      if (stack) await stack.stop();
      else killChildren();
      unguard();
      rmSync(dataDir, { recursive: true, force: true });
      logs.restore();
    })();
    return cleaning;
  };
  let interrupted = false;
  onStopSignals(
    (signal) => {
      interrupted = true;
      print(`\n${signal}: stopping the demo stack (Ctrl-C again to force)...`);
      cleanup().then(() => process.exit(130));
    },
    () => {
      killChildren();
      process.exit(130);
    },
  );
  try {
    const sites = new Set(fleet.map((m) => m.inventory.siteId)).size;
    print(`booting a throwaway stack: ${fleet.length} miners on ${sites} sites, speed ${speed}x`);
    print(`  data ${dataDir} (removed at the end), logs ${logFile}`);
    stack = await startStack({
      dataDir,
      port: 0,
      fleet,
      speed,
      telemetryIntervalMs: 1_000,
      // The sweep is the backstop, not the main path, and its cost does not shrink with speed:
      // every second it kept an 831-target event's lease busy half the time. 10 s is the scale
      // of the demo's confirm timeouts, as a minute is on AWS.
      sweepIntervalMs: SWEEP_INTERVAL_MS,
    });
    unguard = guardJvms();
    await stack.deps.settings.put(stack.orgId, { ...DEFAULT_SETTINGS, ...CONFIRM });
    print(`  API ${stack.apiUrl}, MQTT ${stack.mqttUrl}, org ${stack.orgId}`);
    print(
      `a compressed day: ramps run ${speed}x faster, telemetry every 250 ms, confirm timeouts ` +
        `${CONFIRM.curtailConfirmTimeoutSec} s (curtail, ${CONFIRM.curtailMaxRetries} retries) ` +
        'and ' +
        `${CONFIRM.restoreConfirmTimeoutSec} s (restore, ${CONFIRM.restoreMaxRetries} retries), ` +
        `an emergency held for ${holdSec} s`,
    );
    const result = await playDay({
      stack,
      fleet,
      share,
      holdMs: holdSec * 1000,
      // A fleet page of 1,000 miners costs the local stack ~0.4 s: poll big fleets less often.
      pollMs: fleet.length > 1_000 ? 2_000 : 1_000,
      topUp: values['no-top-up'] !== true,
      print,
    });
    print(
      formatSummary({ ...result, logErrors: logs.errorCount(), wallMs: Date.now() - wallStart }),
    );
    return result.passed ? 0 : 1;
  } finally {
    if (!interrupted) {
      print('shutting down the demo stack...');
      await cleanup();
      print(`done in ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);
    }
  }
}

runMain('demo', USAGE, main);
