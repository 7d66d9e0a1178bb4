// Synthesizes the curtail stacks in-process with bundling skipped (no esbuild, no network) and
// offers small readers over the CloudFormation templates for the infrastructure tests.

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildCurtail } from '../../infra/aws/curtail';
import { ENTRY_TAG } from '../../infra/aws/function';

export type Json = Record<string, unknown>;

export interface Synthesized {
  stateful: Template;
  stateless: Template;
}

export function synthesize(context: Json = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const { stateful, stateless } = buildCurtail(app);
  return { stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}

let cached: Synthesized | undefined;

/** The default (dev) stacks, synthesized once per test file. */
export function templates(): Synthesized {
  cached ??= synthesize();
  return cached;
}

export interface Resource {
  id: string;
  type: string;
  props: Json;
  raw: Json;
}

export function resources(template: Template, type?: string): Resource[] {
  const all = template.toJSON().Resources as Record<string, Json>;
  return Object.entries(all)
    .map(([id, raw]) => ({
      id,
      type: String(raw.Type),
      props: (raw.Properties ?? {}) as Json,
      raw,
    }))
    .filter((resource) => type === undefined || resource.type === type);
}

/** A CloudFormation value as a flat string: `<AWS::Region>`, `<Logical.Arn>`, joins joined. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const node = value as Json;
  if ('Ref' in node) return `<${String(node.Ref)}>`;
  if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(separator);
  }
  return JSON.stringify(value);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function tagValue(props: Json, key: string): string | undefined {
  const tags = asArray(props.Tags as { Key: string; Value: string }[] | undefined);
  return tags.find((tag) => tag.Key === key)?.Value;
}

/** The statements of a policy document (an empty list when there is none). */
export function statementsOf(document: unknown): Json[] {
  return asArray((document as { Statement?: Json[] } | undefined)?.Statement);
}

/** The logical id of the role a function runs as. */
export function roleIdOf(fn: Resource | undefined): string | undefined {
  return (fn?.props.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
}

/** Our functions (those tagged with their entry), keyed by entry path. */
export function entryFunctions(template: Template): Map<string, Resource> {
  const byEntry = new Map<string, Resource>();
  for (const fn of resources(template, 'AWS::Lambda::Function')) {
    const entry = tagValue(fn.props, ENTRY_TAG);
    if (entry) byEntry.set(entry, fn);
  }
  return byEntry;
}
