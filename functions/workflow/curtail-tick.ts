// Workflow step: check curtail waves in flight and send the waves that are due.

import { curtailTick } from '../../lib/app/workflow/curtail-tick';
import { stepHandler } from './step-handler';

export const handler = stepHandler('curtail-tick', curtailTick);
