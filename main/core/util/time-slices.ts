import { largeBodyLane, type TurnLane } from './turn-lane';

/**
 * Cooperative time slicing for work proportional to a large request body (the token estimate, the upstream body's
 * encoding). One such body takes hundreds of milliseconds of CPU; done in one go, every other client waits for all
 * of it. Worked in slices of a few milliseconds with a turn of the event loop between them, other clients' I/O and
 * short requests are served in between.
 */
export class TimeSlices {
  private deadline: number;

  constructor(
    private readonly sliceMs = 4,
    private readonly lane: TurnLane = largeBodyLane,
  ) {
    this.deadline = performance.now() + sliceMs;
  }

  /** True once the current slice is used up: the caller should `await pause()` before working on. */
  due(): boolean {
    return performance.now() >= this.deadline;
  }

  /**
   * Waits for this body's next turn of the event loop (after other clients' I/O, and one large body per turn:
   * util/turn-lane.ts), then starts a fresh slice.
   */
  async pause(): Promise<void> {
    await this.lane.pass();
    this.deadline = performance.now() + this.sliceMs;
  }
}
