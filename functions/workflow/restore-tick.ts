// Workflow step: send the next restore wave once the previous one has settled.

import { restoreTick } from '../../lib/app/workflow/restore-tick';
import { stepHandler } from './step-handler';

export const handler = stepHandler('restore-tick', restoreTick);
