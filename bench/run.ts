// `npm run bench`: medians over several runs of preview (selector alone and end to end),
// start -> all curtail commands, stop -> all restore commands, and the raw broker and
// DynamoDB Local ceilings measured in the same run. Flags: --runs N (default 3), --quick.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoLocal } from '../infra/local/dynamodb-local';
import { captureJsonLines } from '../infra/local/log-sink';
import { ROOT, type Stack, startStack } from '../infra/local/stack';
import { createDynamo, type Dynamo } from '../lib/adapters/dynamodb/client';
import { BrokerCeiling } from './broker-ceiling';
import { batchWriteRate, conditionalUpdateRate, transactionRate } from './dynamo-ceiling';
import { asMiners, healthyFleet, loadFleet, mixedFleet } from './fleet';
import { defineLifecycleFigures, runLifecycle } from './lifecycle';
import { machineInfo } from './machine';
import { log } from './measure';
import { benchPreview, benchSelector } from './preview';
import { measureSignals } from './signal-latency';
import { Figures, table } from './stats';
import { CommandWatcher } from './watcher';

const EVENT_SIZE = 10_000;
const CEILING_COUNT = 10_000;
const TABLE = 'curtail-bench';
const EVENT_ORG = 'bench-life';

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  return { quick, runs };
}

async function warmUp(db: Dynamo) {
  // The JVM compiles its hot paths during the first thousands of requests: one untimed pass.
  log('warming up DynamoDB Local (untimed)');
  await batchWriteRate(db, 'warm', CEILING_COUNT);
  await conditionalUpdateRate(db, 'warm', CEILING_COUNT);
  await transactionRate(db, 'warm', CEILING_COUNT);
}

async function selectorPhase(figures: Figures, runs: number) {
  log('selector alone (in memory)');
  const now = new Date().toISOString();
  await benchSelector(figures, '10k', asMiners(mixedFleet(10_000, ''), now), runs);
  await benchSelector(figures, '100k', asMiners(mixedFleet(100_000, ''), now), runs);
}

async function load(figures: Figures, stack: Stack, key: string, orgId: string, size: number) {
  const fleet = orgId === EVENT_ORG ? healthyFleet(size, 'life') : mixedFleet(size, '');
  log(`loading ${size.toLocaleString('en-US')} miners into ${orgId}`);
  const loaded = await loadFleet(stack, orgId, fleet);
  figures.define(`${key}.time`, `load ${orgId}: inventory + telemetry (once)`, 'ms');
  figures.define(`${key}.rate`, `load ${orgId}: writes/s through the fleet store`, '/s', {
    ceiling: 'dynamo.update',
  });
  figures.add(`${key}.time`, loaded.totalMs);
  figures.add(`${key}.rate`, loaded.writes / (loaded.totalMs / 1000));
  log(`  loaded in ${(loaded.totalMs / 1000).toFixed(1)} s (${loaded.writes} writes)`);
  return fleet;
}

async function eventPhase(figures: Figures, stack: Stack, db: Dynamo, runs: number) {
  figures.define('broker.rate', 'ceiling: broker QoS 1 msgs/s (first -> last)', '/s');
  figures.define('broker.total', 'ceiling: broker 10k msgs, publish call -> all received', 'ms');
  figures.define('dynamo.batch', 'ceiling: DynamoDB BatchWriteItem items/s', '/s');
  figures.define('dynamo.update', 'ceiling: DynamoDB conditional UpdateItem/s', '/s');
  figures.define('dynamo.transact', 'ceiling: DynamoDB TransactWriteItems items/s', '/s');
  defineLifecycleFigures(figures);
  const fleet = healthyFleet(EVENT_SIZE, 'life');
  const watcher = await CommandWatcher.connect(
    stack.mqttUrl,
    `curtail/v1/${EVENT_ORG}/miners/+/cmd`,
  );
  const ceiling = await BrokerCeiling.open(stack.mqttUrl);
  try {
    for (let run = 1; run <= runs; run++) {
      log(`event run ${run} of ${runs}`);
      await runLifecycle({ stack, watcher, orgId: EVENT_ORG, fleet }, figures, run);
      log(`ceilings run ${run} of ${runs}`);
      const broker = await ceiling.run(CEILING_COUNT);
      figures.add('broker.rate', broker.rate);
      figures.add('broker.total', broker.receivedMs);
      figures.add('dynamo.batch', await batchWriteRate(db, `r${run}`, CEILING_COUNT));
      figures.add('dynamo.update', await conditionalUpdateRate(db, `r${run}`, CEILING_COUNT));
      figures.add('dynamo.transact', await transactionRate(db, `r${run}`, CEILING_COUNT));
    }
  } finally {
    await ceiling.close().catch(() => undefined);
    await watcher.close().catch(() => undefined);
  }
}

/** After the event runs: the signals' events claim miners the event runs would need. */
async function signalPhase(figures: Figures, stack: Stack, runs: number) {
  figures.define('signal.first', 'signal on a 10k fleet: answer time', 'ms');
  figures.define('signal.burst', 'signal: 50 duplicates at once, median answer', 'ms');
  figures.define('signal.burstMax', 'signal: 50 duplicates at once, slowest answer', 'ms');
  for (let run = 1; run <= runs; run++) {
    log(`signal run ${run} of ${runs}`);
    const measured = await measureSignals(stack);
    log(
      `  first ${measured.firstStatus} in ${measured.firstMs.toFixed(0)} ms; burst ${measured.burstStatuses.join('/')}`,
    );
    figures.add('signal.first', measured.firstMs);
    figures.add('signal.burst', measured.burstMedianMs);
    figures.add('signal.burstMax', measured.burstMaxMs);
  }
}

const options = parseArgs(process.argv.slice(2));
const machine = machineInfo();
const benchDir = join(ROOT, '.local', 'bench');
const sink = captureJsonLines(join(benchDir, `handlers-${Date.now()}.log`));
const figures = new Figures();
const started = Date.now();
log(`${machine.nproc} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.java}`);
log(`runs: ${options.runs}${options.quick ? ' (quick: no 100,000-miner load)' : ''}`);

const dynamo = await startDynamoLocal();
let stack: Stack | undefined;
try {
  stack = await startStack({
    dataDir: benchDir,
    dynamoEndpoint: dynamo.endpoint,
    tableName: TABLE,
    simulate: false,
    orgId: EVENT_ORG,
  });
  const db = createDynamo({ tableName: TABLE, endpoint: dynamo.endpoint });
  await warmUp(db);
  await selectorPhase(figures, options.runs);
  await load(figures, stack, 'load.life', EVENT_ORG, EVENT_SIZE);
  await load(figures, stack, 'load.p10k', 'bench-p10k', 10_000);
  if (!options.quick) await load(figures, stack, 'load.p100k', 'bench-p100k', 100_000);
  log('preview end to end (DynamoDB Local)');
  await benchPreview(figures, stack, 'bench-p10k', '10k', options.runs);
  if (!options.quick) await benchPreview(figures, stack, 'bench-p100k', '100k', options.runs);
  await eventPhase(figures, stack, db, options.runs);
  await signalPhase(figures, stack, options.runs);
} finally {
  await stack?.stop();
  await dynamo.stop();
  sink.restore();
}

const summaries = figures.summaries();
const elapsedSec = Math.round((Date.now() - started) / 1000);
process.stdout.write(`\n${table(summaries)}\n\nbench took ${elapsedSec} s\n`);
const round = (n: number) => Math.round(n * 10) / 10;
const results = {
  generatedAt: new Date().toISOString(),
  options,
  machine,
  elapsedSec,
  figures: summaries.map((s) => ({
    key: s.key,
    label: s.label,
    unit: s.unit,
    median: round(s.median),
    min: round(s.min),
    max: round(s.max),
    runs: s.runs,
    ...(s.ceiling ? { ceiling: s.ceiling } : {}),
    ...(s.ceilingRatio !== undefined
      ? { ceilingRatio: Math.round(s.ceilingRatio * 1000) / 1000 }
      : {}),
    values: s.values.map(round),
  })),
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', options.quick ? 'quick.json' : 'latest.json');
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
log(`results written to ${file}`);
