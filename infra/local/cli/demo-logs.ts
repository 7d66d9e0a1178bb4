// Keeps the local CLIs' consoles readable: handler JSON logs and EMF lines (stdout) and the
// stack's JSON error lines and Powertools warnings (stderr) all go to one log file.

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { captureJsonLines } from '../log-sink';

export interface LogRouting {
  /** JSON lines at level ERROR in the log file so far. */
  errorCount(): number;
  restore(): void;
}

const NOISE = /^No application metrics to publish/;
const ERROR = /"level":\s*"ERROR"/;

export function routeLogs(filePath: string): LogRouting {
  const sink = captureJsonLines(filePath);
  const original = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (!text.startsWith('{') && !NOISE.test(text)) {
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }
    appendFileSync(filePath, text.endsWith('\n') ? text : `${text}\n`);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    errorCount: () => {
      if (!existsSync(filePath)) return 0;
      return readFileSync(filePath, 'utf8')
        .split('\n')
        .filter((line) => ERROR.test(line)).length;
    },
    restore: () => {
      process.stderr.write = original;
      sink.restore();
    },
  };
}
