// Workflow step (waitForTaskToken): store the task token so a change wakes the workflow.

import { park } from '../../lib/app/workflow/park';
import { stepHandler } from './step-handler';

export const handler = stepHandler('park', park);
