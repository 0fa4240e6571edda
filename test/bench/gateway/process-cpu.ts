/**
 * CPU time of a server process, split into its main (JavaScript event loop) thread and the rest
 * (isolated-vm's isolate threads, V8's GC and compiler helpers, libuv's pool), read from
 * /proc/<pid>/task/<tid>/stat. Linux only; elsewhere every figure is NaN.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux the benchmarks run on (getconf CLK_TCK)

interface ThreadSample {
  name: string;
  /** CPU so far. */
  ms: number;
  /** Context switches so far: the thread blocked (voluntary) or was preempted (involuntary). */
  voluntary: number;
  involuntary: number;
}

export interface CpuSnapshot {
  pid: number;
  threads: Map<number, ThreadSample>;
}

export interface CpuUsage {
  mainMs: number;
  otherMs: number;
  /** Other threads by name (comm), ms. */
  byName: Record<string, number>;
  /** Times the main thread was preempted, and times the other threads went to sleep (and were woken). */
  mainInvoluntarySwitches: number;
  otherVoluntarySwitches: number;
}

export function snapshotCpu(pid: number): CpuSnapshot {
  const threads = new Map<number, ThreadSample>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { pid, threads };
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(open + 1, close);
      const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3 (state)
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const voluntary = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
      const involuntary = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
      threads.set(Number(tid), { name, ms: ticks * TICK_MS, voluntary, involuntary });
    } catch {
      // the thread ended meanwhile
    }
  }
  return { pid, threads };
}

/** CPU used between two snapshots (threads that ended in between are not counted). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  if (after.threads.size === 0) return { mainMs: NaN, otherMs: NaN, byName: {}, mainInvoluntarySwitches: NaN, otherVoluntarySwitches: NaN };
  let mainMs = 0;
  let otherMs = 0;
  let mainInvoluntarySwitches = 0;
  let otherVoluntarySwitches = 0;
  const byName: Record<string, number> = {};
  for (const [tid, thread] of after.threads) {
    const previous = before.threads.get(tid);
    const used = thread.ms - (previous?.ms ?? 0);
    if (tid === after.pid) {
      mainMs += used;
      mainInvoluntarySwitches += thread.involuntary - (previous?.involuntary ?? 0);
    } else {
      otherMs += used;
      otherVoluntarySwitches += thread.voluntary - (previous?.voluntary ?? 0);
      byName[thread.name] = (byName[thread.name] ?? 0) + used;
    }
  }
  return { mainMs, otherMs, byName, mainInvoluntarySwitches, otherVoluntarySwitches };
}
