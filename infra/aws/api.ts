// The HTTP API: one route per manifest entry, the JWT authorizer on every route marked auth
// (signal callbacks verify their own HMAC or bearer token), throttling, access logs, CORS.

import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_ROUTES } from '../manifest';
import type { CurtailSettings, ResourceNames } from './config';
import { CurtailUsers } from './identity';
import { acknowledge } from './nag';

/** Per-stage limits: the API is for operators and schedulers, not for the fleet. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/** One JSON line per request; no bodies and no tokens, the subject only. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  subject: '$context.authorizer.claims.sub',
};

export interface CurtailApiProps {
  settings: CurtailSettings;
  names: ResourceNames;
  functions: Map<string, IFunction>;
}

export class CurtailApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: CurtailApiProps) {
    super(scope, id);
    const { settings, names } = props;
    const prod = settings.stage === 'prod';
    const issuer = settings.oidc ?? new CurtailUsers(this, 'Users', settings, names);
    const authorizer = new HttpJwtAuthorizer('Jwt', issuer.issuer, {
      authorizerName: `${settings.prefix}-jwt`,
      jwtAudience: [issuer.audience],
    });

    this.api = new HttpApi(this, 'Api', {
      apiName: names.api,
      createDefaultStage: false,
      ...(settings.portalOrigin
        ? {
            corsPreflight: {
              allowOrigins: [settings.portalOrigin],
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${names.api}`,
      retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of HTTP_ROUTES) {
      const fn = props.functions.get(route.entry);
      if (!fn) throw new Error(`no function for ${route.entry}`);
      let integration = integrations.get(route.entry);
      if (!integration) {
        integration = new HttpLambdaIntegration(`Integration${integrations.size}`, fn);
        integrations.set(route.entry, integration);
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth ? authorizer : new HttpNoneAuthorizer(),
      });
      if (!created) throw new Error(`${route.method} ${route.path}: no route created`);
      if (!route.auth) {
        acknowledge(
          created,
          'APIG4',
          `${route.method} ${route.path} is called by a signal source (utility webhook or ` +
            'OpenADR VEN), which has no user-pool token: the handler verifies the per-source ' +
            'HMAC signature or bearer token from Secrets Manager before doing anything.',
        );
      }
    }

    // Plain output names, so docs/deploy.md can read them with one CLI query each.
    const output = (name: string, value: string) =>
      new CfnOutput(this, name, { value }).overrideLogicalId(name);
    output('ApiUrl', this.api.apiEndpoint);
    output('JwtIssuer', issuer.issuer);
    if (issuer instanceof CurtailUsers) {
      output('UserPoolId', issuer.userPool.userPoolId);
      output('UserPoolClientId', issuer.client.userPoolClientId);
    }
  }
}
