/** Whole seconds since the Unix epoch at `now` (the current time unless given). */
export function epochSeconds(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000);
}
