// One Lambda per entry point: nodejs22.x on arm64, bundled by the local esbuild as ESM, its
// own log group and its own role with an inline policy holding only what the entry needs.

import { join } from 'node:path';
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessFor } from './access';
import { type CurtailSettings, REPO_ROOT } from './config';
import type { Entry } from './entries';
import { acknowledgePinnedRuntime, acknowledgeWildcard, acknowledgeXray } from './nag';
import { type ResourceArns, statementsFor, wildcardReasons } from './permissions';

/** The tag that names a function's entry file; tests compare it with functions/. */
export const ENTRY_TAG = 'curtail:entry';

/** Lets esbuild's ESM output `require` the CommonJS dependencies it bundles. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __curtailCreateRequire } from 'node:module';" +
  'const require = __curtailCreateRequire(import.meta.url);';

const TIMEOUTS: Record<Entry['kind'], Duration> = {
  // API Gateway gives up after 30 s; the handler should fail first with a proper reply.
  http: Duration.seconds(29),
  // Below the ASL's 300 s task timeout, so a stuck step is retried by the workflow.
  workflow: Duration.seconds(120),
  telemetry: Duration.seconds(30),
  // The sweep budgets its work inside this and the next tick starts a minute later.
  scheduled: Duration.seconds(60),
  // Applying a signal may start a 10,000-miner event; asynchronous, so no caller waits.
  worker: Duration.seconds(120),
};

export interface CurtailFunctionProps {
  settings: CurtailSettings;
  entry: Entry;
  arns: ResourceArns;
  environment: Record<string, string>;
  /** Whether a signal worker is deployed for this entry to hand signals to. */
  workerDeployed: boolean;
}

export class CurtailFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: CurtailFunctionProps) {
    super(scope, id);
    const { settings, entry, arns } = props;
    const functionName = `${settings.prefix}-${entry.slug}`;
    const prod = settings.stage === 'prod';
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one: no AWS managed policy, logs only to this group.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `curtail ${entry.entry}`,
    });
    logGroup.grantWrite(role);
    const access = accessFor(entry, props.workerDeployed);
    for (const statement of statementsFor(access, arns)) role.addToPrincipalPolicy(statement);

    const busy = entry.kind !== 'http' && entry.kind !== 'telemetry';
    this.fn = new NodejsFunction(this, 'Function', {
      functionName,
      description: `curtail ${entry.entry}`,
      entry: join(REPO_ROOT, entry.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      // Wave publishing runs 64 requests at once; more memory also means more CPU.
      memorySize: busy ? 1024 : 512,
      timeout: TIMEOUTS[entry.kind],
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        POWERTOOLS_LOG_LEVEL: prod ? 'INFO' : 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // The nodejs22.x runtime ships AWS SDK v3; bundling it would only add cold-start time.
        externalModules: ['@aws-sdk/*'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // One summary line per bundle is noise when 30 are built; warnings still show.
        logLevel: LogLevel.WARNING,
      },
    });
    Tags.of(this.fn).add(ENTRY_TAG, entry.entry);

    acknowledgePinnedRuntime(this.fn);
    acknowledgeXray(role);
    for (const [arn, reason] of wildcardReasons(access, arns)) {
      acknowledgeWildcard(role, arn, reason);
    }
  }
}
