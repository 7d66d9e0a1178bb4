// The immutable audit trail of what happened to events and who did it.

export type AuditType =
  | 'curtailment_started'
  | 'curtailment_unbounded_start'
  | 'curtailment_force_include_maintenance'
  | 'curtailment_updated'
  | 'curtailment_stopped'
  | 'curtailment_activated'
  | 'curtailment_max_duration_reached'
  | 'curtailment_completed'
  | 'curtailment_admin_terminated'
  | 'curtailment_force_released'
  | 'signal_received';

export interface AuditActor {
  type: 'user' | 'scheduler' | 'api_key' | 'system';
  id: string;
}

export interface AuditRow {
  auditId: string;
  at: string;
  orgId: string;
  eventId: string;
  type: AuditType;
  actor: AuditActor;
  details: Record<string, unknown>;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Position of the last row, for the next page (time, then id). */
  last: string | undefined;
  more: boolean;
}

export interface AuditLog {
  append(row: AuditRow): Promise<void>;
  /** Newest first; `before` is a position returned by an earlier page. */
  list(
    orgId: string,
    options: { eventId?: string; pageSize: number; before?: string },
  ): Promise<AuditPage>;
}
