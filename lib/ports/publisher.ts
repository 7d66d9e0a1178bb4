// Sends miner commands. MQTT locally, IoT Core on AWS; QoS 1 either way.

export interface MinerCommand {
  commandId: string;
  eventId: string;
  minerId: string;
  action: 'curtail' | 'restore';
  level: 'full';
  issuedAt: string;
  expiresAt: string;
}

export interface PublishResult {
  /** Command ids the broker accepted. */
  sent: Set<string>;
  failed: Map<string, string>;
}

export interface CommandPublisher {
  publish(orgId: string, commands: MinerCommand[]): Promise<PublishResult>;
}

export function commandTopic(orgId: string, minerId: string): string {
  return `curtail/v1/${orgId}/miners/${minerId}/cmd`;
}
