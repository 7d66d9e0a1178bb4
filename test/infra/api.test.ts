// The HTTP API: every manifest route exists, the JWT authorizer guards every auth route (and
// only signal/OpenADR callbacks may go without), throttling, access logs, CORS and Cognito.

import { describe, expect, it } from 'vitest';
import { API_THROTTLE } from '../../infra/aws/api';
import { HTTP_ROUTES } from '../../infra/manifest';
import { flat, type Json, resources, synthesize, templates } from './support';

const routes = () => resources(templates().stateless, 'AWS::ApiGatewayV2::Route');

describe('routes', () => {
  it('are exactly the manifest routes', () => {
    const keys = routes().map((route) => route.props.RouteKey);
    expect(keys.sort()).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(HTTP_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s has the JWT authorizer exactly when the manifest asks for it',
    (key, route) => {
      const found = routes().find((r) => r.props.RouteKey === key);
      const [authorizer] = resources(templates().stateless, 'AWS::ApiGatewayV2::Authorizer');
      if (route.auth) {
        expect(found?.props.AuthorizationType).toBe('JWT');
        expect(found?.props.AuthorizerId).toEqual({ Ref: authorizer?.id });
      } else {
        expect(found?.props.AuthorizationType ?? 'NONE').toBe('NONE');
        expect(found?.props.AuthorizerId).toBeUndefined();
      }
    },
  );

  it('leave only signal and OpenADR callbacks without a token', () => {
    for (const route of HTTP_ROUTES.filter((r) => !r.auth)) {
      expect(route.path).toMatch(/^\/v1\/(signals|openadr)\b/);
    }
    for (const route of HTTP_ROUTES.filter((r) => r.path.startsWith('/v1/'))) {
      if (!/^\/v1\/(signals|openadr)\b/.test(route.path)) expect(route.auth).toBe(true);
    }
  });
});

describe('the default stage', () => {
  const [stage] = resources(templates().stateless, 'AWS::ApiGatewayV2::Stage');

  it('is throttled', () => {
    expect(stage?.props.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: API_THROTTLE.rateLimit,
      ThrottlingBurstLimit: API_THROTTLE.burstLimit,
    });
  });

  it('writes JSON access logs without bodies or tokens', () => {
    const settings = stage?.props.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(flat(settings.DestinationArn)).toMatch(/^<HttpAccessLogs[A-F0-9]+\.Arn>$/);
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.routeKey).toBe('$context.routeKey');
    expect(Object.values(format).join(' ')).not.toMatch(/body|authorization/i);
  });
});

describe('the Cognito issuer (default)', () => {
  const [pool] = resources(templates().stateless, 'AWS::Cognito::UserPool');
  const [client] = resources(templates().stateless, 'AWS::Cognito::UserPoolClient');
  const [authorizer] = resources(templates().stateless, 'AWS::ApiGatewayV2::Authorizer');

  it('requires TOTP MFA and admin-created accounts', () => {
    expect(pool?.props.MfaConfiguration).toBe('ON');
    expect(pool?.props.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
  });

  it('carries the claims as custom attributes users cannot write', () => {
    const schema = ((pool?.props.Schema ?? []) as { Name: string }[]).map((a) => a.Name);
    expect(schema).toEqual(expect.arrayContaining(['org_id', 'role', 'actor_type']));
    expect(client?.props.WriteAttributes).toEqual(['email']);
    expect(client?.props.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:org_id', 'custom:role', 'custom:actor_type']),
    );
  });

  it('is trusted by the JWT authorizer with the app client as audience (ID tokens)', () => {
    const jwt = authorizer?.props.JwtConfiguration as { Audience: Json[]; Issuer: unknown };
    expect(jwt.Audience).toEqual([{ Ref: client?.id }]);
    expect(flat(jwt.Issuer)).toBe(`https://cognito-idp.<AWS::Region>.amazonaws.com/<${pool?.id}>`);
  });

  it('has no CORS unless a portal origin is given', () => {
    const [api] = resources(templates().stateless, 'AWS::ApiGatewayV2::Api');
    expect(api?.props.CorsConfiguration).toBeUndefined();
  });
});

describe('an external OIDC issuer and a portal origin', () => {
  const external = synthesize({
    oidcIssuer: 'https://login.example.com/',
    oidcAudience: 'curtail-api',
    portalOrigin: 'https://portal.example.com',
  });

  it('replace the user pool', () => {
    expect(resources(external.stateless, 'AWS::Cognito::UserPool')).toHaveLength(0);
    const [authorizer] = resources(external.stateless, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer?.props.JwtConfiguration).toEqual({
      Audience: ['curtail-api'],
      Issuer: 'https://login.example.com/',
    });
  });

  it('allow the portal origin only', () => {
    const [api] = resources(external.stateless, 'AWS::ApiGatewayV2::Api');
    expect(api?.props.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://portal.example.com'],
      AllowHeaders: expect.arrayContaining(['authorization', 'content-type']),
    });
  });

  it('must be given together', () => {
    expect(() => synthesize({ oidcIssuer: 'https://login.example.com/' })).toThrow(/together/);
  });
});
