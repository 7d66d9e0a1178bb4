// The workflow engine of the embedded stack: runs statemachines/*.asl.json on
// aws-local-stepfunctions with every Task bound to the same handler modules Lambda runs.
// Task tokens (which the local runner does not issue) are emulated with a registry of
// pending promises, so parked steps are woken exactly as SendTaskSuccess wakes them on AWS.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Logger } from '../../lib/ports/observability';
import type { WorkflowEngine, WorkflowInput } from '../../lib/ports/workflow';

export type TaskHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalWorkflowOptions {
  aslPath: string;
  /** Handler per `${Placeholder}` of the ASL (e.g. RouteFunctionArn). */
  handlers: Record<string, TaskHandler>;
  logger: Logger;
}

const LOCAL_ACCOUNT = '000000000000';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:curtail-local-event`;

export function localFunctionArn(placeholder: string): string {
  return `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT}:function:curtail-local-${placeholder}`;
}

/** The ASL text with every placeholder filled the way the local stack fills it. */
export function substitute(asl: string, placeholders: string[]): string {
  let out = asl;
  for (const name of placeholders) out = out.replaceAll(`\${${name}}`, localFunctionArn(name));
  return out;
}

type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

interface Running {
  abort: () => void;
  token?: string;
}

export class LocalWorkflowEngine implements WorkflowEngine {
  private readonly machine: StateMachine;
  private readonly byArn = new Map<string, TaskHandler>();
  private readonly running = new Map<string, Running>();
  private readonly waiting = new Map<
    string,
    { resolve: (value: unknown) => void; execution: string }
  >();
  private closed = false;

  constructor(private readonly options: LocalWorkflowOptions) {
    const text = substitute(readFileSync(options.aslPath, 'utf8'), Object.keys(options.handlers));
    this.machine = new StateMachine(JSON.parse(text), {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    for (const [name, handler] of Object.entries(options.handlers)) {
      this.byArn.set(localFunctionArn(name), handler);
    }
    this.definition = JSON.parse(text);
  }

  private readonly definition: { States: Record<string, Record<string, unknown>> };

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    if (this.closed || this.running.has(executionName)) return;
    const run = this.machine.run(input as unknown as Record<string, string>, {
      overrides: { taskResourceLocalHandlers: this.overrides(executionName) },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: `${STATE_MACHINE_ARN}:${executionName}`,
          Name: executionName,
          Input: input as unknown as Record<string, string>,
        },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: 'curtail-local-event' },
        // The runner issues no task tokens; park() swaps this stand-in for a fresh one.
        Task: { Token: 'local-task-token' },
      },
    });
    this.running.set(executionName, { abort: run.abort });
    run.result
      .catch((error: unknown) => {
        this.options.logger.error('workflow execution failed', {
          executionName,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => this.forget(executionName));
  }

  private forget(executionName: string) {
    const entry = this.running.get(executionName);
    if (entry?.token) this.waiting.delete(entry.token);
    this.running.delete(executionName);
  }

  private overrides(executionName: string): LocalHandlers {
    const handlers: Record<string, (input: never) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith('.waitForTaskToken')) {
        handlers[stateName] = ((input: {
          FunctionName: string;
          Payload: Record<string, unknown>;
        }) => this.park(executionName, input)) as never;
      } else if (resource === 'arn:aws:states:::states:startExecution') {
        handlers[stateName] = (async (input: { Name: string; Input: WorkflowInput }) => {
          // The successor must be registered before this execution ends.
          await this.start(input.Name, input.Input);
          return {};
        }) as never;
      } else {
        handlers[stateName] = ((input: unknown) => this.invoke(resource, input)) as never;
      }
    }
    return handlers as unknown as LocalHandlers;
  }

  private invoke(functionArn: string, payload: unknown): Promise<unknown> {
    const handler = this.byArn.get(functionArn);
    if (!handler) throw new Error(`no local handler bound to ${functionArn}`);
    return handler(payload, lambdaContext(functionArn));
  }

  /** A waitForTaskToken task: a fresh token per entry, settled by wake() or the timeout. */
  private park(
    executionName: string,
    input: { FunctionName: string; Payload: Record<string, unknown> },
  ): Promise<unknown> {
    const token = randomUUID();
    const entry = this.running.get(executionName);
    if (entry?.token) this.waiting.delete(entry.token);
    if (entry) entry.token = token;
    const parked = new Promise((resolve) =>
      this.waiting.set(token, { resolve, execution: executionName }),
    );
    void this.invoke(input.FunctionName, { ...input.Payload, token }).catch((error: unknown) => {
      this.options.logger.error('park step failed', { executionName, error: String(error) });
    });
    return parked;
  }

  async wake(token: string): Promise<void> {
    const waiter = this.waiting.get(token);
    if (!waiter) return;
    this.waiting.delete(token);
    waiter.resolve({});
  }

  async stop(executionName: string): Promise<void> {
    this.running.get(executionName)?.abort();
    this.forget(executionName);
  }

  async isRunning(executionName: string): Promise<boolean> {
    return this.running.has(executionName);
  }

  /** Aborts every execution (stack shutdown); the sweep resumes them after a restart. */
  shutdown(): void {
    this.closed = true;
    for (const name of [...this.running.keys()]) {
      this.running.get(name)?.abort();
      this.forget(name);
    }
  }

  runningExecutions(): string[] {
    return [...this.running.keys()];
  }
}

function lambdaContext(functionArn: string): Context {
  const started = Date.now();
  const name = functionArn.split(':').at(-1) ?? 'local';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 300_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
