// Keeps handler JSON logs and EMF metrics out of the test output; tests read them back with
// capturedLines().

import { captureJsonLines } from '../../infra/local/log-sink';

const sink = captureJsonLines(process.env.CURTAIL_TEST_LOG);

export function capturedLines(): string[] {
  return sink.lines();
}
