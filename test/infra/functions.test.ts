// The functions in the template: one per entry point, exactly the handlers in functions/ and
// the entries of the manifest, each on nodejs22.x/arm64 with tracing and the runtime config.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/aws/config';
import * as manifest from '../../infra/manifest';
import { entryFunctions, flat, type Json, resources, synthesize, templates } from './support';

/** Every functions/**.ts module that exports `handler`; helpers without one are not entries. */
function handlerFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.name.endsWith('.ts') && !item.name.endsWith('.d.ts')) {
        const source = readFileSync(path, 'utf8');
        const exported =
          /export\s+(const|let|var|async\s+function|function)\s+handler\b/.test(source) ||
          /export\s*\{[^}]*\bhandler\b[^}]*\}/.test(source);
        if (exported) found.push(relative(REPO_ROOT, path).replaceAll('\\', '/'));
      }
    }
  };
  walk(join(REPO_ROOT, 'functions'));
  return found.sort();
}

/** The manifest's entries, read here independently of the CDK code. */
function manifestEntries(): string[] {
  const scheduled = (manifest as Record<string, unknown>).SCHEDULED_TASKS as
    | Record<string, { entry: string }>
    | undefined;
  const scheduledEntries = scheduled
    ? Object.values(scheduled).map((task) => task.entry)
    : ['functions/scheduled/sweep.ts', 'functions/scheduled/watchdog.ts'].filter((entry) =>
        handlerFiles().includes(entry),
      );
  const worker = (manifest as Record<string, unknown>).SIGNAL_WORKER_ENTRY;
  return [
    ...new Set([
      ...manifest.HTTP_ROUTES.map((route) => route.entry),
      ...Object.values(manifest.WORKFLOW_TASKS),
      manifest.TELEMETRY_ENTRY,
      ...scheduledEntries,
      ...(typeof worker === 'string' ? [worker] : []),
    ]),
  ].sort();
}

describe('deployed entry points', () => {
  it('are exactly the manifest entries and exactly the handlers in functions/', () => {
    const deployed = [...entryFunctions(templates().stateless).keys()].sort();
    expect(deployed).toEqual(manifestEntries());
    expect(deployed).toEqual(handlerFiles());
  });

  it('leave out helper modules such as the workflow step wrapper', () => {
    expect(handlerFiles()).not.toContain('functions/workflow/step-handler.ts');
  });

  it('are the only functions apart from the CDK provider that looks up the IoT endpoint', () => {
    const ours = new Set([...entryFunctions(templates().stateless).values()].map((f) => f.id));
    const others = resources(templates().stateless, 'AWS::Lambda::Function')
      .map((fn) => fn.id)
      .filter((id) => !ours.has(id));
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^AWS679f53fac002430cb0da5b7982bd2287/);
  });
});

describe('every function', () => {
  const functions = [...entryFunctions(templates().stateless).entries()];

  it.each(functions)('%s runs nodejs22.x on arm64 with X-Ray', (_entry, fn) => {
    expect(fn.props.Runtime).toBe('nodejs22.x');
    expect(fn.props.Architectures).toEqual(['arm64']);
    expect(fn.props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.props.Handler).toBe('index.handler');
  });

  it.each(functions)('%s gets the runtime configuration', (_entry, fn) => {
    const env = (fn.props.Environment as { Variables: Json }).Variables;
    expect(env.TABLE_NAME).toBe('curtail-dev');
    expect(env.COMMAND_TRANSPORT).toBe('iot');
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('curtail');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('Curtail');
    expect(env.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(env.SECRETS_PREFIX).toBe('curtail/dev/sources');
    const worker = (manifest as Record<string, unknown>).SIGNAL_WORKER_ENTRY;
    if (worker) expect(env.SIGNAL_WORKER_FUNCTION).toBe('curtail-dev-signals-worker');
    // Built from the fixed name: a reference to the state machine would be a cycle.
    expect(flat(env.STATE_MACHINE_ARN)).toBe(
      'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:curtail-dev-event-workflow',
    );
    expect(flat(env.IOT_DATA_ENDPOINT)).toMatch(/^<IotEndpoint[A-Za-z0-9]+\.endpointAddress>$/);
  });

  it.each(functions)('%s logs to its own log group', (_entry, fn) => {
    expect(fn.props.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
  });
});

describe('stage and context', () => {
  const prod = synthesize({
    stage: 'prod',
    iotDataEndpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
  });

  it('uses the given IoT endpoint without a lookup', () => {
    for (const fn of entryFunctions(prod.stateless).values()) {
      const env = (fn.props.Environment as { Variables: Json }).Variables;
      expect(env.IOT_DATA_ENDPOINT).toBe('abc123-ats.iot.eu-west-1.amazonaws.com');
      expect(env.TABLE_NAME).toBe('curtail-prod');
      expect(env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
    expect(resources(prod.stateless, 'Custom::AWS')).toHaveLength(0);
  });

  it('keeps every log group in prod and lets dev log groups go', () => {
    const logGroups = (t: typeof prod.stateless) => resources(t, 'AWS::Logs::LogGroup');
    for (const group of logGroups(prod.stateless)) expect(group.raw.DeletionPolicy).toBe('Retain');
    const dev = logGroups(templates().stateless).map((group) => group.raw.DeletionPolicy);
    expect(new Set(dev)).toEqual(new Set(['Delete']));
  });

  it('rejects an unknown stage', () => {
    expect(() => synthesize({ stage: 'staging' })).toThrow(/dev or prod/);
  });
});
