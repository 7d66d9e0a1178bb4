// Hands a recorded signal to the signal worker Lambda asynchronously, so the sender is answered
// at once; Lambda retries a failed asynchronous run, and the sweep picks up what is left over.

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SignalQueue } from '../ports/signal-store';

export class LambdaSignalQueue implements SignalQueue {
  private readonly client = new LambdaClient({});

  constructor(private readonly functionName: string) {}

  async enqueue(ref: Parameters<SignalQueue['enqueue']>[0]): Promise<void> {
    await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(ref)),
      }),
    );
  }
}
