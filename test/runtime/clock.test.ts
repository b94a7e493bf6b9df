import { VirtualClock } from '../../lib/runtime/clock';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Fire everything due by `until`, one timer per call, as the runner does. */
function drain(clock: VirtualClock, until: number): number {
  let total = 0;
  while (clock.fireDue(until) > 0) total++;
  return total;
}

describe('VirtualClock', () => {
  describe('now and iso', () => {
    it.each([
      { name: 'the default start', start: undefined, now: START, iso: '2026-01-01T12:00:00.000Z' },
      {
        name: 'a Date',
        start: new Date('2025-06-30T23:59:59.250Z'),
        now: Date.UTC(2025, 5, 30, 23, 59, 59, 250),
        iso: '2025-06-30T23:59:59.250Z',
      },
      { name: 'epoch milliseconds', start: 0, now: 0, iso: '1970-01-01T00:00:00.000Z' },
    ])('starts at $name', ({ start, now, iso }) => {
      const clock = new VirtualClock(start);
      expect(clock.now()).toBe(now);
      expect(clock.iso()).toBe(iso);
    });

    it('gives the new time from iso() once the clock has moved', () => {
      const clock = new VirtualClock(START);
      expect(clock.iso()).toBe('2026-01-01T12:00:00.000Z');
      clock.schedule(1500, () => undefined);
      clock.fireDue(START + 10_000);
      expect(clock.iso()).toBe('2026-01-01T12:00:01.500Z');
      clock.fireDue(START + 10_000);
      expect(clock.iso()).toBe('2026-01-01T12:00:10.000Z');
    });

    it('does not move on its own', () => {
      const clock = new VirtualClock(START);
      clock.schedule(1000, () => undefined);
      expect(clock.now()).toBe(START);
      expect(clock.iso()).toBe('2026-01-01T12:00:00.000Z');
    });
  });

  describe('schedule and fireDue', () => {
    it.each([
      {
        name: 'in time order, whatever the scheduling order',
        timers: [
          { id: 'c', ms: 300 },
          { id: 'a', ms: 100 },
          { id: 'b', ms: 200 },
        ],
        fired: ['a', 'b', 'c'],
      },
      {
        name: 'ties in scheduling order',
        timers: [
          { id: 'first', ms: 100 },
          { id: 'second', ms: 100 },
          { id: 'early', ms: 50 },
          { id: 'third', ms: 100 },
        ],
        fired: ['early', 'first', 'second', 'third'],
      },
      {
        name: 'a negative delay as due now',
        timers: [
          { id: 'later', ms: 10 },
          { id: 'negative', ms: -500 },
        ],
        fired: ['negative', 'later'],
      },
    ])('fires timers $name', ({ timers, fired }) => {
      const clock = new VirtualClock(START);
      const order: string[] = [];
      for (const t of timers) clock.schedule(t.ms, () => order.push(t.id));
      expect(drain(clock, START + 1000)).toBe(fired.length);
      expect(order).toEqual(fired);
    });

    it('fires one timer per call and moves the clock to that timer', () => {
      const clock = new VirtualClock(START);
      const seen: number[] = [];
      clock.schedule(100, () => seen.push(clock.now()));
      clock.schedule(250, () => seen.push(clock.now()));

      expect(clock.fireDue(START + 1000)).toBe(1);
      expect(seen).toEqual([START + 100]);
      expect(clock.now()).toBe(START + 100);
      expect(clock.pendingTimers).toBe(1);

      expect(clock.fireDue(START + 1000)).toBe(1);
      expect(seen).toEqual([START + 100, START + 250]);
      expect(clock.now()).toBe(START + 250);
      expect(clock.pendingTimers).toBe(0);
    });

    it('moves to `until` when nothing is due', () => {
      const clock = new VirtualClock(START);
      let fired = false;
      clock.schedule(5000, () => (fired = true));
      expect(clock.fireDue(START + 1000)).toBe(0);
      expect(fired).toBe(false);
      expect(clock.now()).toBe(START + 1000);
      expect(clock.pendingTimers).toBe(1);
    });

    it('moves to `until` when there are no timers at all', () => {
      const clock = new VirtualClock(START);
      expect(clock.fireDue(START + 60_000)).toBe(0);
      expect(clock.iso()).toBe('2026-01-01T12:01:00.000Z');
    });

    it('never moves backwards', () => {
      const clock = new VirtualClock(START);
      clock.fireDue(START + 1000);
      expect(clock.fireDue(START)).toBe(0);
      expect(clock.now()).toBe(START + 1000);
    });

    it('fires a timer due exactly at `until`', () => {
      const clock = new VirtualClock(START);
      let fired = false;
      clock.schedule(1000, () => (fired = true));
      expect(clock.fireDue(START + 1000)).toBe(1);
      expect(fired).toBe(true);
      expect(clock.now()).toBe(START + 1000);
    });

    it('schedules relative to the time the timer is set', () => {
      const clock = new VirtualClock(START);
      clock.fireDue(START + 500);
      clock.schedule(100, () => undefined);
      expect(clock.nextTimerAt()).toBe(START + 600);
    });

    it('fires a timer scheduled by a firing timer on a later call', () => {
      const clock = new VirtualClock(START);
      const order: string[] = [];
      clock.schedule(100, () => {
        order.push('outer');
        clock.schedule(0, () => order.push('inner'));
      });
      expect(clock.fireDue(START + 1000)).toBe(1);
      expect(order).toEqual(['outer']);
      expect(clock.fireDue(START + 1000)).toBe(1);
      expect(order).toEqual(['outer', 'inner']);
      expect(clock.now()).toBe(START + 100);
    });
  });

  describe('cancel', () => {
    it('removes the timer so it never fires', () => {
      const clock = new VirtualClock(START);
      const order: string[] = [];
      const cancelA = clock.schedule(100, () => order.push('a'));
      clock.schedule(200, () => order.push('b'));
      cancelA();
      expect(clock.pendingTimers).toBe(1);
      expect(clock.nextTimerAt()).toBe(START + 200);
      expect(drain(clock, START + 1000)).toBe(1);
      expect(order).toEqual(['b']);
    });

    it('is harmless after the timer fired or when called twice', () => {
      const clock = new VirtualClock(START);
      const cancel = clock.schedule(100, () => undefined);
      clock.schedule(200, () => undefined);
      clock.fireDue(START + 100);
      cancel();
      cancel();
      expect(clock.pendingTimers).toBe(1);
      expect(clock.nextTimerAt()).toBe(START + 200);
    });
  });

  describe('nextTimerAt and pendingTimers', () => {
    it.each([
      { name: 'no timers', delays: [], next: undefined },
      { name: 'one timer', delays: [1000], next: START + 1000 },
      { name: 'the earliest of several', delays: [3000, 500, 2000], next: START + 500 },
    ])('reports $name', ({ delays, next }) => {
      const clock = new VirtualClock(START);
      for (const ms of delays) clock.schedule(ms, () => undefined);
      expect(clock.nextTimerAt()).toBe(next);
      expect(clock.pendingTimers).toBe(delays.length);
    });
  });
});
