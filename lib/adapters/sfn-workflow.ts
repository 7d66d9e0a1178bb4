// The workflow engine on AWS: one Step Functions standard execution per event.

import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { WorkflowEngine, WorkflowInput } from '../ports/workflow';

export class SfnWorkflowEngine implements WorkflowEngine {
  private readonly client = new SFNClient({});

  constructor(private readonly stateMachineArn: string) {}

  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // Same name and same input is accepted by Step Functions; a different input is not
      // possible here because the input is derived from the name.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async wake(token: string): Promise<void> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    } catch (error) {
      const gone =
        error instanceof TaskTimedOut ||
        error instanceof TaskDoesNotExist ||
        error instanceof InvalidToken;
      if (!gone) throw error;
    }
  }

  async stop(executionName: string, cause: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn: this.executionArn(executionName), cause }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }

  async isRunning(executionName: string): Promise<boolean> {
    try {
      const result = await this.client.send(
        new DescribeExecutionCommand({ executionArn: this.executionArn(executionName) }),
      );
      return result.status === 'RUNNING';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return false;
      throw error;
    }
  }
}
