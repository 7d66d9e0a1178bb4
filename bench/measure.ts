// Wall and CPU time of one piece of work: this Node process (process.cpuUsage) and, read
// from /proc, the DynamoDB Local JVM that this process started.

import { readdirSync, readFileSync } from 'node:fs';

export interface Timing<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
  jvmCpuMs: number;
}

const TICKS_PER_SECOND = 100;

/** CPU ms used so far by the java children of this process (0 when /proc is not there). */
export function jvmCpuMs(): number {
  let total = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After the name: state(0) ppid(1) ... utime(11) stime(12).
      if (name !== 'java' || Number(fields[1]) !== process.pid) continue;
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      // The process went away while we looked.
    }
  }
  return total;
}

export async function timed<T>(work: () => Promise<T> | T): Promise<Timing<T>> {
  const jvmBefore = jvmCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    value,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    jvmCpuMs: jvmCpuMs() - jvmBefore,
  };
}

export function log(message: string) {
  const clock = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${clock}] ${message}\n`);
}
