/**
 * The local runtime's clock: time moves only when a test or the runner says so.
 *
 * Wait states, await timeouts and workflow timeouts are timers on this clock,
 * so `advance(minutes(11))` fires a 10-minute timeout at once, and a run is
 * the same every time.
 */
export class VirtualClock {
  private current: number;
  private readonly timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  constructor(start: Date | number = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  /** Milliseconds since the epoch, as `Date.now()`. */
  public now(): number {
    return this.current;
  }

  /** The current time as an ISO string, as AWS writes it. */
  public iso(): string {
    // Called for every state and event; the clock moves rarely.
    if (this.isoAt !== this.current) {
      this.isoAt = this.current;
      this.isoText = new Date(this.current).toISOString();
    }
    return this.isoText;
  }

  private isoAt = NaN;
  private isoText = '';

  /** Run `fire` once the clock reaches now + `ms`; returns a cancel function. */
  public schedule(ms: number, fire: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fire };
    this.timers.push(timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  /** The time of the next timer, if any. */
  public nextTimerAt(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((t) => t.at));
  }

  /** Move to `at` (not past it) and fire the timers due by then, earliest first. Returns how many fired. */
  public fireDue(until: number): number {
    let fired = 0;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.current = Math.max(this.current, due.at);
      due.fire();
      fired++;
      // Fire one at a time: the caller lets the work it started settle before the next.
      break;
    }
    if (fired === 0) this.current = Math.max(this.current, until);
    return fired;
  }

  /** Timers not yet fired. */
  public get pendingTimers(): number {
    return this.timers.length;
  }
}
