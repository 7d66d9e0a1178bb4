// Process plumbing for `npm start` and `npm run demo`: free ports, a second Ctrl-C told from a
// relayed duplicate, and no DynamoDB Local JVM outliving this process, even when it is killed.

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A one-line message naming the first taken port, or undefined when all are free. */
export async function ensurePortsFree(ports: { port: number; name: string }[]) {
  for (const { port, name } of ports) {
    if (port === 0) continue;
    if (!(await portIsFree(port))) {
      const hint = `stop whatever holds it or set ${name}=<another port>`;
      return `port ${port} (${name}) is already in use on ${HOST}; ${hint}`;
    }
  }
  return undefined;
}

/** The one-line message for a listen error on a taken port, or undefined for other errors. */
export function addressInUse(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || error.code !== 'EADDRINUSE') {
    return undefined;
  }
  const port = 'port' in error ? String(error.port) : 'a port';
  return `port ${port} is already in use on ${HOST} (set PORT / MQTT_PORT to another port)`;
}

/** Child process ids of this process (pgrep works on Linux and macOS). */
export function childPids(): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

/** Last resort on a forced exit: no DynamoDB Local JVM may outlive this process. */
export function killChildren(): void {
  for (const pid of childPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Watches this process from outside and stops the DynamoDB Local JVMs among its children if it
 * dies without stopping them: tsx SIGKILLs a child that is slow to acknowledge a relayed
 * signal, and a killed process cannot clean up. Returns a function that ends the watch.
 */
export function guardJvms(): () => void {
  const jvms = childPids().filter((pid) => commandOf(pid).includes('DynamoDBLocal'));
  if (jvms.length === 0) return () => {};
  const kills = jvms
    .map(
      (pid) =>
        `ps -o command= -p ${pid} | grep -q DynamoDBLocal && ` +
        `{ kill -TERM ${pid}; sleep 5; kill -KILL ${pid}; } 2>/dev/null`,
    )
    .join('; ');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${kills}`;
  const watcher = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watcher.unref();
  return () => {
    if (watcher.exitCode === null && watcher.pid) process.kill(watcher.pid, 'SIGKILL');
  };
}

function commandOf(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

/**
 * A signal handler that calls `stop` on the first SIGINT/SIGTERM and `force` on a second one.
 * A repeat within a second is the same Ctrl-C: the terminal signals the whole process group
 * and tsx relays the signal again when the child is slow to acknowledge it.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => void, force: () => void): void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      stop(signal);
    } else if (Date.now() - firstAt > 1_000) {
      force();
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
