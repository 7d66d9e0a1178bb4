// Readers over untrusted OpenADR JSON. Every refusal is an InvalidArgumentError whose
// details.field is the JSON path, so a VTN operator can find the offending value.

import { InvalidArgumentError } from './errors';

/** The notification itself is malformed (shape, timestamp, duration). */
export const INVALID_NOTIFICATION = 'invalid_openadr_notification';
/** Well formed, but asks for something this source cannot act on safely. */
export const UNSUPPORTED_PAYLOAD = 'unsupported_openadr_payload';
/** The source's own configuration cannot express what the notification asks. */
export const INVALID_CONFIG = 'invalid_openadr_config';

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(
  field: string,
  message: string,
  reason: string = INVALID_NOTIFICATION,
  extra: Record<string, unknown> = {},
): never {
  throw new InvalidArgumentError(`${field}: ${message}`, reason, { field, ...extra });
}

export function path(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** VTNs send null for absent optional fields as often as they leave them out. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function optionalObject(
  parent: JsonObject,
  key: string,
  at: string,
): JsonObject | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (!isRecord(value)) fail(path(at, key), 'must be an object');
  return value;
}

export function optionalArray(parent: JsonObject, key: string, at: string): unknown[] | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) fail(path(at, key), 'must be an array');
  return value;
}

export function optionalString(parent: JsonObject, key: string, at: string): string | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'string') fail(path(at, key), 'must be a string');
  return value;
}

/** Identifiers and names: strings, or numbers some VTNs emit for them; anything else is absent. */
export function looseText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function camelKey(key: string): string {
  const camel = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  // OpenADR spells identifiers with a capital ID (programID, eventID), never Id.
  return camel.endsWith('Id') ? `${camel.slice(0, -2)}ID` : camel;
}

/**
 * The reference implementation publishes snake_case notifications (object_type, program_id).
 * Renaming their keys lets one parser serve both spellings; a camelCase key already present
 * wins, so a VTN that sends both is read the documented way.
 */
export function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (!isRecord(value)) return value;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    // A JSON key named __proto__ would replace the prototype of a plain object when assigned.
    if (key === '__proto__') continue;
    if (!key.includes('_')) out[key] = camelizeKeys(inner);
  }
  for (const [key, inner] of Object.entries(value)) {
    const renamed = camelKey(key);
    if (key.includes('_') && !(renamed in out)) out[renamed] = camelizeKeys(inner);
  }
  return out;
}
