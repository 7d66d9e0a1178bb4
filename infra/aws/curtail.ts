// Builds both stacks of one stage into an app; shared by the CDK entry point and the tests.

import type { App } from 'aws-cdk-lib';
import { readSettings } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export function buildCurtail(app: App) {
  const settings = readSettings(app.node);
  // Region and account from the CLI's profile at deploy time; synth needs neither.
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };
  const tags = { project: 'curtail', stage: settings.stage };
  const stateful = new StatefulStack(app, `${settings.prefix}-stateful`, {
    settings,
    env,
    tags,
    description: `curtail ${settings.stage}: table and alarm topic (data; never deleted by a stack)`,
    terminationProtection: settings.stage === 'prod',
  });
  const stateless = new StatelessStack(app, `${settings.prefix}-stateless`, {
    settings,
    env,
    tags,
    description: `curtail ${settings.stage}: functions, API, workflow, IoT rule, alarms, dashboard`,
  });
  // Names, not references, tie the stacks together; the order still matters on first deploy.
  stateless.addStackDependency(stateful, 'the functions use the table and alarm topic by name');
  return { settings, stateful, stateless };
}
