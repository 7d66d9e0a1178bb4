// Moves the JSON log and EMF lines that handlers write to stdout into a file, so the embedded
// stack's console stays readable and tests can read the metrics back.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LogSink {
  /** The JSON lines captured so far (newest last, bounded). */
  lines(): string[];
  restore(): void;
}

const KEEP = 20_000;

export function captureJsonLines(filePath?: string): LogSink {
  if (filePath) mkdirSync(dirname(filePath), { recursive: true });
  const captured: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (!text.startsWith('{')) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    for (const line of text.split('\n')) {
      if (!line) continue;
      captured.push(line);
      if (filePath) appendFileSync(filePath, `${line}\n`);
    }
    if (captured.length > KEEP) captured.splice(0, captured.length - KEEP);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  return {
    lines: () => [...captured],
    restore: () => {
      process.stdout.write = original;
    },
  };
}
