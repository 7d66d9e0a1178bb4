// Route table for the local gateway, matched the way API Gateway HTTP APIs pick a route: the most
// specific path wins, so a literal segment beats a {param}, which beats a greedy {proxy+}.

import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway style, e.g. '/v1/events/{eventId}/stop'. */
  path: string;
  auth: boolean;
  /** Lambda function name reported in the invocation context. */
  name?: string;
  handler: (
    event: APIGatewayProxyEventV2WithJWTAuthorizer,
    context: Context,
  ) => Promise<APIGatewayProxyResultV2>;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: Route;
  routeKey: string;
  segments: Segment[];
}

export interface RouteMatch {
  route: Route;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

export function compileRoutes(
  routes: Route[],
): (method: string, path: string) => RouteMatch | undefined {
  const compiled = routes.map(compileRoute);
  const seen = new Set<string>();
  // Two routes differing only in parameter names would match the same requests; AWS refuses that.
  for (const { route, routeKey, segments } of compiled) {
    const shape = segments.map((s) => (s.kind === 'literal' ? s.value : `{${s.kind}}`));
    const key = `${route.method} /${shape.join('/')}`;
    if (seen.has(key)) throw new Error(`duplicate route ${routeKey}`);
    seen.add(key);
  }
  compiled.sort((a, b) => compareSpecificity(a.segments, b.segments));

  return (method, path) => {
    const parts = decodeSegments(path);
    if (!parts) return undefined;
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const pathParameters = matchSegments(candidate.segments, parts);
      if (pathParameters) {
        const hasParams = Object.keys(pathParameters).length > 0;
        return {
          route: candidate.route,
          routeKey: candidate.routeKey,
          pathParameters: hasParams ? pathParameters : undefined,
        };
      }
    }
    return undefined;
  };
}

function compileRoute(route: Route): CompiledRoute {
  if (!route.path.startsWith('/')) throw new Error(`route path must start with /: ${route.path}`);
  const raw = route.path.split('/').slice(1);
  const segments = raw.map((part, index): Segment => {
    const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!param?.[1]) return { kind: 'literal', value: part };
    if (param[2] === '+') {
      if (index !== raw.length - 1) throw new Error(`greedy parameter must be last: ${route.path}`);
      return { kind: 'greedy', name: param[1] };
    }
    return { kind: 'param', name: param[1] };
  });
  return { route, routeKey: `${route.method} ${route.path}`, segments };
}

function compareSpecificity(a: Segment[], b: Segment[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const left = a[i];
    const right = b[i];
    if (left && right && left.kind !== right.kind) return RANK[left.kind] - RANK[right.kind];
  }
  return b.length - a.length;
}

/** Splits and percent-decodes a path; undefined when the encoding is malformed. */
function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      params[segment.name] = rest;
      return params;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return parts.length === segments.length ? params : undefined;
}
