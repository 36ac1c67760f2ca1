/** Wall-clock milliseconds, injectable so token expiry and cool-downs are testable without sleeping. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
