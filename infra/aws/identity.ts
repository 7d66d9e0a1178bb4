// The default token issuer: a Cognito user pool whose ID tokens carry the claims the handlers
// read (custom:org_id, custom:role, custom:actor_type). Only administrators set those claims.

import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { CurtailSettings, ResourceNames } from './config';
import { acknowledge } from './nag';

/** Claims the HTTP middleware reads, as Cognito custom attributes (`custom:` in the token). */
export const CLAIM_ATTRIBUTES = ['org_id', 'role', 'actor_type'] as const;

export class CurtailUsers extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The `iss` of the pool's tokens. */
  readonly issuer: string;
  /** ID tokens carry the client id as `aud`. */
  readonly audience: string;

  constructor(scope: Construct, id: string, settings: CurtailSettings, names: ResourceNames) {
    super(scope, id);
    const prod = settings.stage === 'prod';
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: names.userPool,
      // Accounts are created by an administrator, who also sets the tenant and the role.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        org_id: new StringAttribute({ minLen: 1, maxLen: 63, mutable: true }),
        role: new StringAttribute({ minLen: 5, maxLen: 8, mutable: true }),
        actor_type: new StringAttribute({ minLen: 4, maxLen: 9, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // A token can shed megawatts: a second factor is required of every account.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.userPool,
      'COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user; sign-up ' +
        'is admin-only and TOTP MFA is required. Switch featurePlan to PLUS where policy asks.',
    );

    this.client = this.userPool.addClient('PortalClient', {
      userPoolClientName: `${settings.prefix}-portal`,
      // SRP for the portal; USER_PASSWORD_AUTH lets an operator get a token from the AWS CLI.
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(...CLAIM_ATTRIBUTES),
      // Users may not write their own tenant, role or actor type through the client.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.audience = this.client.userPoolClientId;
  }
}
