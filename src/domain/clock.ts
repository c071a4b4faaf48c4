/**
 * The time, as one injectable dependency: the app reads "now" through a Clock so tests can move
 * it (a window passing, days of sweeps) without waiting or patching globals.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
