// Domain errors: each names one rule the caller broke or one state the system is in.
// The HTTP edge maps them to problem+json by class, never by message.

export type ErrorCode =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    message: string,
    reason: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.reason = reason;
    this.details = details;
  }
}

export class InvalidArgumentError extends DomainError {
  readonly code = 'invalid_argument';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

export class PermissionDeniedError extends DomainError {
  readonly code = 'permission_denied';
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class AlreadyExistsError extends DomainError {
  readonly code = 'already_exists';
}

export class FailedPreconditionError extends DomainError {
  readonly code = 'failed_precondition';
}

export class ResourceExhaustedError extends DomainError {
  readonly code = 'resource_exhausted';
}

export class UnavailableError extends DomainError {
  readonly code = 'unavailable';
}

/** A compare-and-set write found the item in another state than the one it expected. */
export class StateRaceLostError extends Error {
  readonly current: Record<string, unknown> | undefined;

  constructor(message: string, current?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateRaceLostError';
    this.current = current;
  }
}

/** A concurrent duplicate start won the race for an idempotency key or external pair. */
export class IdempotencyRaceError extends Error {
  readonly channel: 'key' | 'pair';

  constructor(channel: 'key' | 'pair') {
    super(`another start holds the idempotency ${channel}`);
    this.name = 'IdempotencyRaceError';
    this.channel = channel;
  }
}
