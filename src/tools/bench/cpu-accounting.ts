import { readdirSync, readFileSync } from 'node:fs';

/** CPU counters read from Linux's /proc (clock ticks of 1/100 s; nanoseconds for the run-queue wait). */
interface CpuReading {
  readonly machineBusy: number;
  readonly machineTotal: number;
  readonly mainThread: number;
  readonly otherThreads: number;
  readonly mainWaitedNs: number;
  readonly postgres: number;
}

const TICKS_PER_SECOND = 100;

/** User + system ticks from a /proc/…/stat line (fields 14 and 15, counted after the command name). */
function ticks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function read(): CpuReading {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const machineTotal = cpu.reduce((a, b) => a + b, 0);
  const machineIdle = cpu[3] + cpu[4];
  let mainThread = 0;
  let otherThreads = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const t = ticks(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
    if (Number(tid) === process.pid) mainThread = t;
    else otherThreads += t;
  }
  const schedstat = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(' ');
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) postgres += ticks(stat);
    } catch {
      // The process ended while the list was read.
    }
  }
  return {
    machineBusy: machineTotal - machineIdle,
    machineTotal,
    mainThread,
    otherThreads,
    mainWaitedNs: Number(schedstat[1]),
    postgres,
  };
}

/** A phase's CPU, in seconds: the machine's busy and total core-seconds, this process's threads, local PostgreSQL. */
export interface CpuUse {
  readonly machineBusy: number;
  readonly machineTotal: number;
  readonly mainThread: number;
  readonly mainWaited: number;
  readonly otherThreads: number;
  readonly postgres: number;
}

export const NO_CPU: CpuUse = {
  machineBusy: 0,
  machineTotal: 0,
  mainThread: 0,
  mainWaited: 0,
  otherThreads: 0,
  postgres: 0,
};

/**
 * Where a phase's CPU went, on Linux (null elsewhere): the machine's busy core-seconds, this process's main thread
 * and its other threads (V8's garbage collector, libuv's pool), how long the main thread was runnable but waited for a
 * core, and local PostgreSQL server processes. Starts counting when called; the returned function stops.
 */
export function startCpuAccounting(): (() => CpuUse) | null {
  let before: CpuReading;
  try {
    before = read();
  } catch {
    return null;
  }
  return () => {
    const after = read();
    const s = (k: Exclude<keyof CpuReading, 'mainWaitedNs'>) => (after[k] - before[k]) / TICKS_PER_SECOND;
    return {
      machineBusy: s('machineBusy'),
      machineTotal: s('machineTotal'),
      mainThread: s('mainThread'),
      mainWaited: (after.mainWaitedNs - before.mainWaitedNs) / 1e9,
      otherThreads: s('otherThreads'),
      postgres: s('postgres'),
    };
  };
}

export function addCpu(a: CpuUse, b: CpuUse): CpuUse {
  return {
    machineBusy: a.machineBusy + b.machineBusy,
    machineTotal: a.machineTotal + b.machineTotal,
    mainThread: a.mainThread + b.mainThread,
    mainWaited: a.mainWaited + b.mainWaited,
    otherThreads: a.otherThreads + b.otherThreads,
    postgres: a.postgres + b.postgres,
  };
}

export function describeCpu(u: CpuUse): string {
  const f = (n: number) => n.toFixed(2);
  return (
    `machine ${f(u.machineBusy)} of ${f(u.machineTotal)} core-s busy; main thread ${f(u.mainThread)} s ` +
    `(waited for a core ${f(u.mainWaited)} s), other threads ${f(u.otherThreads)} s, local PostgreSQL ${f(u.postgres)} s`
  );
}
