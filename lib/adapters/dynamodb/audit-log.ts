// Audit rows in DynamoDB: stored beside their event and fed into an organization-wide,
// time-ordered index. Rows are created once and never changed.

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, AuditPage, AuditRow } from '../../ports/audit-log';
import type { Dynamo } from './client';
import { INDEXES, keys } from './keys';

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

  async list(
    orgId: string,
    options: { eventId?: string; pageSize: number; before?: string },
  ): Promise<AuditPage> {
    const { eventId, before } = options;
    // The event's own rows share its partition with the event item, hence the AUDIT# range;
    // `before` is exclusive, so the row it names is dropped from an inclusive range.
    const query = eventId
      ? {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: {
            ':pk': keys.eventPk(orgId, eventId),
            ':low': 'AUDIT#',
            ':high': before ? `AUDIT#${before}` : 'AUDIT#~',
          },
        }
      : {
          IndexName: INDEXES.history.name,
          KeyConditionExpression: before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': keys.auditFeedPk(orgId),
            ...(before ? { ':before': before } : {}),
          },
        };
    const result = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        ...query,
        ScanIndexForward: false,
        Limit: options.pageSize + (eventId && before ? 1 : 0),
      }),
    );
    const rows = (result.Items ?? [])
      .map((item) => {
        const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _g1, gsi1sk: _g2, ...row } = item;
        return row as AuditRow;
      })
      .filter((row) => `${row.at}#${row.auditId}` !== before)
      .slice(0, options.pageSize);
    const lastRow = rows.at(-1);
    return {
      rows,
      last: lastRow ? `${lastRow.at}#${lastRow.auditId}` : undefined,
      more: result.LastEvaluatedKey !== undefined,
    };
  }
}
