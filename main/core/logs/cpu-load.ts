/**
 * How much CPU this process itself has been using lately, in cores: the CPU time it was given (all its threads)
 * over the wall time of a window a second or two long. Unlike the event loop's busy share, this does not rise when
 * the machine is busy with other work and the process waits for a core: it rises only with the process's own load.
 * That is what tells a proxy serving a thousand requests a second with room to spare (a third of a core) from one
 * that is saturated by its own requests (a whole core), whatever else runs on the machine.
 */
export interface CpuLoadOptions {
  now: () => number;
  /** The process's CPU time so far, in microseconds. */
  cpuUs?: () => number;
  /** The span the load is averaged over. */
  windowMs?: number;
  /** Samples are taken at most this often, however often the load is asked for. */
  sampleMs?: number;
}

const processCpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export class CpuLoad {
  private readonly samples: Array<{ at: number; cpuUs: number }> = [];
  private readonly cpuUs: () => number;
  private readonly windowMs: number;
  private readonly sampleMs: number;
  private cores = 0;

  constructor(private readonly options: CpuLoadOptions) {
    this.cpuUs = options.cpuUs ?? processCpuUs;
    this.windowMs = options.windowMs ?? 1000;
    this.sampleMs = options.sampleMs ?? 250;
  }

  /**
   * Cores used over the last window; 0 until a whole window has been seen (a process just started, or just asked
   * for the first time, has no history to judge by). Cheap enough to ask on every request: between samples it is
   * one clock reading.
   */
  current(): number {
    const now = this.options.now();
    const last = this.samples.at(-1);
    if (last && now - last.at < this.sampleMs) return this.cores;
    // A long gap (nobody asked: logging was off) says nothing about the load now: the window starts again.
    if (last && now - last.at > this.windowMs) this.samples.length = 0;
    this.samples.push({ at: now, cpuUs: this.cpuUs() });
    // Kept: the newest sample at least a window old, and every later one.
    while (this.samples.length > 2 && now - this.samples[1]!.at >= this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsedMs = now - first.at;
    this.cores = elapsedMs >= this.windowMs ? (this.samples.at(-1)!.cpuUs - first.cpuUs) / (elapsedMs * 1000) : 0;
    return this.cores;
  }
}
