// The event workflow's ASL: valid, its placeholders agree with the handlers bound to it, and a
// 10,000-wave restore stays under Step Functions' 25,000-event history per execution by
// continuing in fresh executions.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { localFunctionArn, substitute } from '../../infra/local/local-workflow';
import { ROOT } from '../../infra/local/stack';
import { EVENT_WORKFLOW_ASL, WORKFLOW_TASKS } from '../../infra/manifest';

const raw = readFileSync(join(ROOT, EVENT_WORKFLOW_ASL), 'utf8');
const placeholders = [...new Set([...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();

/** Step Functions history events a state adds on AWS (entered/exited plus task events). */
function awsHistoryEvents(state: { Type: string; Resource?: string }): number {
  if (state.Type !== 'Task') return 2;
  return state.Resource?.endsWith('.waitForTaskToken') ? 6 : 5;
}

describe('event workflow ASL', () => {
  it('is valid as written and after substitution', () => {
    for (const text of [raw, substitute(raw, placeholders)]) {
      const { isValid, errorsText } = aslValidator(JSON.parse(text), {
        checkArn: true,
        checkPaths: true,
      });
      expect(isValid, errorsText()).toBe(true);
    }
  });

  it('has exactly one bound handler per placeholder', () => {
    expect(placeholders).toEqual(Object.keys(WORKFLOW_TASKS).sort());
  });

  it('sets a timeout on every Task', () => {
    const states = JSON.parse(raw).States as Record<string, Record<string, unknown>>;
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, name).toBeDefined();
    }
  });

  it('restores 10,000 miners one per wave without reaching the history limit', async () => {
    const definition = JSON.parse(substitute(raw, placeholders));
    const states = definition.States as Record<string, { Type: string; Resource?: string }>;
    const machine = new StateMachine(definition, { validationOptions: { checkArn: true } });
    const WAVES = 10_000;
    let waves = 0;
    const executions: { name: string; historyEvents: number }[] = [];
    let next: string | undefined = 'event-1';
    const tick = (input: { step: { iterations: number } }) => ({
      next: waves < WAVES ? 'poll' : 'route',
      waitSeconds: 1,
      rev: 0,
      iterations: input.step.iterations + 1,
    });
    while (next) {
      const name: string = next;
      next = undefined;
      const run = machine.run(
        { orgId: 'o', eventId: 'event-1' },
        {
          overrides: {
            taskResourceLocalHandlers: {
              Route: ((input: { step: { iterations: number } }) => ({
                ...tick(input),
                next: waves < WAVES ? 'restore' : 'done',
              })) as never,
              RestoreTick: ((input: { step: { iterations: number } }) => {
                waves++;
                return tick(input);
              }) as never,
              ContinueAsNew: ((input: { Name: string }) => {
                next = input.Name;
                return {};
              }) as never,
            },
            waitTimeOverrides: { RouteWait: 0, RestoreWait: 0, CurtailWait: 0 },
          },
          context: {
            Execution: { Name: name },
            StateMachine: { Id: 'arn:aws:states:us-east-1:0:stateMachine:x' },
          },
        },
      );
      let historyEvents = 2;
      for await (const log of run.eventLogs) {
        if (log.type === 'StateEntered')
          historyEvents += awsHistoryEvents(states[log.state.name] ?? { Type: 'Pass' });
      }
      await run.result;
      executions.push({ name, historyEvents });
    }
    expect(waves).toBe(WAVES);
    expect(executions.length).toBeGreaterThan(5);
    expect(Math.max(...executions.map((e) => e.historyEvents))).toBeLessThan(25_000);
  }, 120_000);

  it('binds local handlers by function ARN', () => {
    const placeholder = ['$', '{RouteFunctionArn}'].join('');
    expect(substitute(placeholder, ['RouteFunctionArn'])).toBe(
      localFunctionArn('RouteFunctionArn'),
    );
  });
});
