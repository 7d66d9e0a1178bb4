// Workflow step: decide which phase runs next from the stored event.

import { route } from '../../lib/app/workflow/route';
import { stepHandler } from './step-handler';

export const handler = stepHandler('route', route);
