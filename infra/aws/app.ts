// The CDK app (cdk.json runs it with tsx): both curtail stacks for the stage given as context,
// checked by cdk-nag's AwsSolutions pack, where any unacknowledged finding fails the synth.

import { App } from 'aws-cdk-lib';
import { buildCurtail } from './curtail';
import { addNagChecks } from './nag';

const app = new App();
buildCurtail(app);
addNagChecks(app);
