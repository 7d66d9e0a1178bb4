// Shared command-line plumbing for the local CLIs: the repository root, strict flag parsing
// with usage errors, and checked numbers from flags and the environment.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

// This file lives in <root>/infra/local/cli, so the repository root is three levels up.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/** parseArgs in strict mode without positionals; unknown flags become a UsageError. */
export function parseFlags(argv: string[], options: Options): Values {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    const out: Values = {};
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'string' || typeof value === 'boolean') out[key] = value;
    }
    return out;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : 'invalid arguments');
  }
}

/** A finite number within [min, max] from a flag value, or the default when absent. */
export function numberFlag(
  values: Values,
  name: string,
  fallback: number,
  bounds: { min: number; max: number; integer?: boolean },
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const whole = !bounds.integer || Number.isInteger(value);
  if (!(Number.isFinite(value) && whole && value >= bounds.min && value <= bounds.max)) {
    const kind = bounds.integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** A TCP port (0 = any free port) from an environment variable, or the default. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(`${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/**
 * Runs a CLI's main function and turns its outcome into the exit code. Everything is stopped
 * by then, so a handle some library forgot to close must not keep the process alive.
 */
export function runMain(name: string, usage: string, main: () => Promise<number>): void {
  const exit = (code: number) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 3_000).unref();
  };
  main().then(exit, (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n${usage}`);
      exit(2);
      return;
    }
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : 'failed'}\n`);
    exit(1);
  });
}
