// Every entry point of the product and what triggers it. The CDK stacks and the embedded
// stack both read this list, so a handler cannot exist in one and be missing in the other.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRoute {
  method: HttpMethod;
  path: string;
  /** Routes without a JWT authenticate in the handler (HMAC or bearer token). */
  auth: boolean;
  entry: string;
}

export const HTTP_ROUTES: HttpRoute[] = [
  { method: 'POST', path: '/v1/preview', auth: true, entry: 'functions/http/preview.ts' },
  { method: 'POST', path: '/v1/events', auth: true, entry: 'functions/http/start-event.ts' },
  { method: 'GET', path: '/v1/events/active', auth: true, entry: 'functions/http/list-active.ts' },
  { method: 'GET', path: '/v1/events/{eventId}', auth: true, entry: 'functions/http/get-event.ts' },
  {
    method: 'POST',
    path: '/v1/events/{eventId}/stop',
    auth: true,
    entry: 'functions/http/stop-event.ts',
  },
  { method: 'GET', path: '/v1/events', auth: true, entry: 'functions/http/list-events.ts' },
  {
    method: 'PATCH',
    path: '/v1/events/{eventId}',
    auth: true,
    entry: 'functions/http/update-event.ts',
  },
  {
    method: 'POST',
    path: '/v1/events/{eventId}/admin-terminate',
    auth: true,
    entry: 'functions/http/admin-terminate.ts',
  },
  {
    method: 'POST',
    path: '/v1/events/{eventId}/force-release',
    auth: true,
    entry: 'functions/http/force-release.ts',
  },
  { method: 'GET', path: '/v1/audit', auth: true, entry: 'functions/http/list-audit.ts' },
  { method: 'GET', path: '/v1/settings', auth: true, entry: 'functions/http/get-settings.ts' },
  { method: 'PUT', path: '/v1/settings', auth: true, entry: 'functions/http/put-settings.ts' },
  { method: 'GET', path: '/v1/health', auth: true, entry: 'functions/http/health.ts' },
  { method: 'GET', path: '/v1/openapi.json', auth: true, entry: 'functions/http/openapi.ts' },
  { method: 'POST', path: '/v1/sources', auth: true, entry: 'functions/http/create-source.ts' },
  { method: 'GET', path: '/v1/sources', auth: true, entry: 'functions/http/list-sources.ts' },
  {
    method: 'POST',
    path: '/v1/sources/{sourceId}/rotate-secret',
    auth: true,
    entry: 'functions/http/rotate-source-secret.ts',
  },
  {
    method: 'POST',
    path: '/v1/sources/{sourceId}/disable',
    auth: true,
    entry: 'functions/http/disable-source.ts',
  },
  {
    method: 'POST',
    path: '/v1/signals/{sourceId}',
    auth: false,
    entry: 'functions/http/receive-signal.ts',
  },
  {
    method: 'GET',
    path: '/v1/openadr/{sourceId}/notifications',
    auth: false,
    entry: 'functions/http/openadr-callback.ts',
  },
  {
    method: 'POST',
    path: '/v1/openadr/{sourceId}/notifications',
    auth: false,
    entry: 'functions/http/openadr-callback.ts',
  },
  { method: 'PUT', path: '/v1/fleet/miners', auth: true, entry: 'functions/http/upsert-miners.ts' },
  { method: 'GET', path: '/v1/fleet/miners', auth: true, entry: 'functions/http/list-miners.ts' },
];

/** Task handlers of statemachines/event-workflow.asl.json, by their ${Placeholder}. */
export const WORKFLOW_TASKS: Record<string, string> = {
  RouteFunctionArn: 'functions/workflow/route.ts',
  CurtailTickFunctionArn: 'functions/workflow/curtail-tick.ts',
  RestoreTickFunctionArn: 'functions/workflow/restore-tick.ts',
  ParkFunctionArn: 'functions/workflow/park.ts',
};

export const EVENT_WORKFLOW_ASL = 'statemachines/event-workflow.asl.json';

/** Triggered by the IoT topic rule on `curtail/v1/+/sites/+/telemetry`. */
export const TELEMETRY_ENTRY = 'functions/telemetry/ingest.ts';
export const TELEMETRY_TOPIC_FILTER = 'curtail/v1/+/sites/+/telemetry';

/** Functions run on a schedule (EventBridge on AWS, timers in the embedded stack). */
export const SCHEDULED_TASKS: Record<string, { entry: string; schedule: string }> = {
  sweep: { entry: 'functions/scheduled/sweep.ts', schedule: 'rate(1 minute)' },
  watchdog: { entry: 'functions/scheduled/watchdog.ts', schedule: 'rate(1 minute)' },
};

/** Applies recorded signals; invoked asynchronously by the signal routes. */
export const SIGNAL_WORKER_ENTRY = 'functions/signals/worker.ts';
