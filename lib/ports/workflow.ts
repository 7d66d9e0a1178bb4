// The per-event workflow engine: Step Functions on AWS, the local ASL runner in the stack.

export interface WorkflowInput {
  orgId: string;
  eventId: string;
}

export interface WorkflowEngine {
  /** Starts the execution; starting a running execution of the same name is harmless. */
  start(executionName: string, input: WorkflowInput): Promise<void>;
  /** Wakes a parked workflow step; a token that is no longer waiting is ignored. */
  wake(token: string): Promise<void>;
  stop(executionName: string, cause: string): Promise<void>;
  isRunning(executionName: string): Promise<boolean>;
}
