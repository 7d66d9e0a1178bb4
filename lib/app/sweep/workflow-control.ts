// Starting and waking workflows from the sweep.

export { startWorkflow } from '../start-event';
export { wakeWorkflow as wakeAfter } from '../stop-event';
