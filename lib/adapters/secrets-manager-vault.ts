// Source secrets on AWS: one Secrets Manager secret per source under a stage prefix, so IAM can
// grant the signal functions exactly that prefix.

import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SourceSecrets } from '../domain/signal';
import type { SecretVault } from '../ports/signal-store';

export class SecretsManagerVault implements SecretVault {
  private readonly client = new SecretsManagerClient({});

  constructor(private readonly prefix: string) {}

  async store(orgId: string, sourceId: string, secrets: SourceSecrets): Promise<string> {
    const name = `${this.prefix}/${orgId}/${sourceId}`;
    const value = JSON.stringify(secrets);
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    }
    return name;
  }

  async load(ref: string): Promise<SourceSecrets> {
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: ref }));
    return JSON.parse(result.SecretString ?? '{}') as SourceSecrets;
  }
}
