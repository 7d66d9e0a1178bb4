// The event workflow is the ASL file itself (the local runner's file), its placeholders and the
// substitutions agree both ways, and the schedules call the manifest's scheduled entries.

import { describe, expect, it } from 'vitest';
import { scheduledTasks } from '../../infra/aws/entries';
import { placeholdersOf, readWorkflowAsl } from '../../infra/aws/workflow';
import { WORKFLOW_TASKS } from '../../infra/manifest';
import { entryFunctions, flat, type Json, resources, templates } from './support';

const [machine] = resources(templates().stateless, 'AWS::StepFunctions::StateMachine');
const props = machine?.props ?? {};
const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;

describe('the state machine', () => {
  it('is a named STANDARD workflow', () => {
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.StateMachineName).toBe('curtail-dev-event-workflow');
  });

  it('is defined by the ASL file, verbatim', () => {
    expect(props.DefinitionString).toBe(readWorkflowAsl());
  });

  it('substitutes every placeholder of the ASL, and nothing else', () => {
    const placeholders = placeholdersOf(readWorkflowAsl()).sort();
    expect(placeholders.length).toBeGreaterThan(0);
    expect(Object.keys(substitutions).sort()).toEqual(placeholders);
    expect(Object.keys(WORKFLOW_TASKS).sort()).toEqual(placeholders);
  });

  it('fills each placeholder with the ARN of the function of its manifest entry', () => {
    const functions = entryFunctions(templates().stateless);
    for (const [placeholder, entry] of Object.entries(WORKFLOW_TASKS)) {
      expect(flat(substitutions[placeholder])).toBe(`<${functions.get(entry)?.id}.Arn>`);
    }
  });

  it('is valid JSON after substitution, with a function ARN in every task', () => {
    const functions = entryFunctions(templates().stateless);
    let asl = readWorkflowAsl();
    for (const [placeholder, entry] of Object.entries(WORKFLOW_TASKS)) {
      const name = String(functions.get(entry)?.props.FunctionName);
      asl = asl.replaceAll(
        `\${${placeholder}}`,
        `arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
      );
    }
    expect(asl).not.toContain('${');
    const states = (JSON.parse(asl) as { States: Record<string, Json> }).States;
    const tasks = Object.values(states).filter((state) => state.Type === 'Task');
    for (const task of tasks) {
      const target = String((task.Parameters as Json | undefined)?.FunctionName ?? task.Resource);
      expect(target).toMatch(/^arn:aws:(lambda:.*:function:curtail-dev-workflow-|states:::)/);
    }
  });

  it('logs ALL events with execution data and is traced', () => {
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
  });
});

describe('schedules', () => {
  const rules = resources(templates().stateless, 'AWS::Events::Rule');
  const functions = entryFunctions(templates().stateless);

  it('exist for the sweep and the watchdog', () => {
    expect(
      scheduledTasks()
        .map((task) => task.name)
        .sort(),
    ).toEqual(['sweep', 'watchdog']);
    expect(rules).toHaveLength(scheduledTasks().length);
  });

  it.each(scheduledTasks().map((task) => [task.name, task] as const))(
    '%s runs its entry on its schedule, once per tick',
    (_name, task) => {
      const rule = rules.find((r) => r.props.Name === `curtail-dev-${task.name}`);
      expect(rule?.props.ScheduleExpression).toBe(task.schedule);
      const [target] = (rule?.props.Targets ?? []) as Json[];
      expect(flat(target?.Arn)).toBe(`<${functions.get(task.entry)?.id}.Arn>`);
      expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 0 });
    },
  );
});
