/**
 * Cooperative time slicing for work proportional to a large request body (the token estimate, the upstream body's
 * encoding). One such body takes hundreds of milliseconds of CPU; done in one go, every other client waits for all
 * of it. Worked in slices of a few milliseconds with a turn of the event loop between them, other clients' I/O and
 * short requests are served in between.
 */
export class TimeSlices {
  private deadline: number;

  constructor(private readonly sliceMs = 4) {
    this.deadline = performance.now() + sliceMs;
  }

  /** True once the current slice is used up: the caller should `await pause()` before working on. */
  due(): boolean {
    return performance.now() >= this.deadline;
  }

  /** Lets one turn of the event loop pass (after other clients' I/O), then starts a fresh slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.deadline = performance.now() + this.sliceMs;
  }
}
