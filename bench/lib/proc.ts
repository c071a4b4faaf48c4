/**
 * Child processes the benchmark starts, their memory, and cleaning up after them. Every child is
 * registered here and ended by its own pid on exit, error or Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set<ChildProcess>();

export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (!alive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut && alive(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
}

/** Last resort from a synchronous 'exit' handler. */
export function killAllNow(): void {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
}

/** VmRSS and VmHWM (peak) of a process, in bytes; null once it is gone. */
export function readMemory(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/**
 * Samples a process's resident memory every 100 ms while armed. Arming also resets the kernel's
 * peak counter (writing 5 to /proc/<pid>/clear_refs), so VmHWM afterwards is the exact peak
 * since arming, including spikes between two samples.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private sampledPeak = 0;
  private hwmReset = false;
  private hwmPeak = 0;
  private idleRss: number | undefined;

  constructor(readonly pid: number) {}

  arm(): void {
    if (this.timer) return;
    this.idleRss ??= readMemory(this.pid)?.rss ?? 0;
    try {
      fs.writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Takes a last reading and stops sampling (arm() again to resume; the peak is kept). */
  disarm(): void {
    if (!this.timer) return;
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const memory = readMemory(this.pid);
    if (!memory) return;
    this.sampledPeak = Math.max(this.sampledPeak, memory.rss);
    if (this.hwmReset) this.hwmPeak = Math.max(this.hwmPeak, memory.hwm);
  }

  /** The larger of the sampled peak and (when it could be reset) the kernel's VmHWM, in bytes. */
  get peak(): number {
    return Math.max(this.sampledPeak, this.hwmPeak);
  }

  /** VmRSS when first armed, before any transfer. */
  get idle(): number {
    return this.idleRss ?? 0;
  }

  get sampled(): number {
    return this.sampledPeak;
  }

  get hwm(): number | null {
    return this.hwmReset ? this.hwmPeak : null;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User and system CPU time a process has used so far, in seconds; null once it is gone. */
export function readCpuSeconds(pid: number): { user: number; system: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { user: utime / CLOCK_TICKS, system: stime / CLOCK_TICKS };
}
