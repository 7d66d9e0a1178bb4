// Source secrets for the embedded stack: AES-256-GCM with a key kept in a local file (never
// committed). The sealed text travels in the source item, like a Secrets Manager reference.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceSecrets } from '../domain/signal';
import type { SecretVault } from '../ports/signal-store';

export class FileSecretVault implements SecretVault {
  private readonly key: Buffer;

  constructor(keyFile: string) {
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    this.key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (this.key.length !== 32) throw new Error('the local secret key file is not a 256-bit key');
  }

  async store(orgId: string, sourceId: string, secrets: SourceSecrets): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    // The source's identity is bound in as associated data: a sealed blob moved to another
    // source does not open.
    cipher.setAAD(Buffer.from(`${orgId}/${sourceId}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return ['v1', orgId, sourceId, iv, cipher.getAuthTag(), data]
      .map((part) => (Buffer.isBuffer(part) ? part.toString('base64url') : part))
      .join('.');
  }

  async load(ref: string): Promise<SourceSecrets> {
    const [version, orgId, sourceId, iv, tag, data] = ref.split('.');
    if (version !== 'v1' || !orgId || !sourceId || !iv || !tag || !data) {
      throw new Error('unreadable sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${orgId}/${sourceId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as SourceSecrets;
  }
}
