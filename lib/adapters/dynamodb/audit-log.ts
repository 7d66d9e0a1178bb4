// Audit rows in DynamoDB: stored beside their event and fed into an organization-wide,
// time-ordered index. Rows are created once and never changed.

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, AuditRow } from '../../ports/audit-log';
import type { Dynamo } from './client';
import { keys } from './keys';

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: Dynamo) {}

  async append(row: AuditRow): Promise<void> {
    const sortKey = `${row.at}#${row.auditId}`;
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: {
          pk: keys.eventPk(row.orgId, row.eventId),
          sk: `AUDIT#${sortKey}`,
          kind: 'audit',
          gsi1pk: keys.auditFeedPk(row.orgId),
          gsi1sk: sortKey,
          ...row,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
