import { FaultInjector, FaultSpec, InjectedFault } from '../../lib/runtime/faults';

/** Whether `check(names)` threw, for each of `count` invocations. */
function outcomes(faults: FaultInjector, names: (string | undefined)[], count: number): boolean[] {
  return Array.from({ length: count }, () => {
    try {
      faults.check(names);
      return false;
    } catch {
      return true;
    }
  });
}

function errorOf(fn: () => void): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('FaultInjector', () => {
  it('passes every invocation when nothing is injected', () => {
    const faults = new FaultInjector();
    expect(outcomes(faults, ['PlaceOrder'], 5)).toEqual([false, false, false, false, false]);
  });

  it.each([
    { times: 1, calls: 3, failed: [true, false, false] },
    { times: 3, calls: 5, failed: [true, true, true, false, false] },
    { times: 0, calls: 2, failed: [false, false] },
  ])('fails $times times, then behaves normally', ({ times, calls, failed }) => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'Lambda.ServiceException', times });
    expect(outcomes(faults, ['PlaceOrder'], calls)).toEqual(failed);
  });

  it('fails every invocation without times or probability', () => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'PaymentDeclined' });
    expect(outcomes(faults, ['PlaceOrder'], 20).every(Boolean)).toBe(true);
  });

  it.each([
    {
      name: 'the message given',
      spec: { error: 'PaymentDeclined', message: 'card expired' },
      message: 'card expired',
    },
    {
      name: 'a default message',
      spec: { error: 'Lambda.ServiceException' },
      message: 'injected fault',
    },
  ])('throws an error with the given name and $name', ({ spec, message }) => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', spec);
    const error = errorOf(() => faults.check(['PlaceOrder']));
    expect(error).toBeInstanceOf(InjectedFault);
    expect(error).toBeInstanceOf(Error);
    expect(error?.name).toBe(spec.error);
    expect(error?.message).toBe(message);
  });

  it.each([
    { name: 'task name', names: ['PlaceOrder', 'OrdersFnABC123', 'App/Orders/Fn'], fails: true },
    { name: 'logical id', names: [undefined, 'OrdersFnABC123'], fails: true },
    { name: 'construct path', names: ['Other', undefined, 'App/Orders/Fn'], fails: true },
    { name: 'none of the names', names: ['Other', 'OtherFn', undefined], fails: false },
    { name: 'no names at all', names: [], fails: false },
  ])('matches by $name', ({ names, fails }) => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'ByTask', times: 1 });
    faults.inject('OrdersFnABC123', { error: 'ById', times: 1 });
    faults.inject('App/Orders/Fn', { error: 'ByPath', times: 1 });
    expect(outcomes(faults, names, 1)).toEqual([fails]);
  });

  it('fails with the fault of the first name that matches', () => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'ByTask', times: 1 });
    faults.inject('App/Orders/Fn', { error: 'ByPath', times: 1 });
    expect(errorOf(() => faults.check(['PlaceOrder', 'App/Orders/Fn']))?.name).toBe('ByTask');
    expect(errorOf(() => faults.check(['PlaceOrder', 'App/Orders/Fn']))?.name).toBe('ByPath');
    expect(errorOf(() => faults.check(['PlaceOrder', 'App/Orders/Fn']))).toBeUndefined();
  });

  it('uses faults injected on one target in order', () => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'First', times: 1 });
    faults.inject('PlaceOrder', { error: 'Second', times: 2 });
    const names = Array.from(
      { length: 4 },
      () => errorOf(() => faults.check(['PlaceOrder']))?.name,
    );
    expect(names).toEqual(['First', 'Second', 'Second', undefined]);
  });

  it('clear() removes every fault', () => {
    const faults = new FaultInjector();
    faults.inject('PlaceOrder', { error: 'A' });
    faults.inject('ShipOrder', { error: 'B', probability: 1 });
    faults.clear();
    expect(outcomes(faults, ['PlaceOrder', 'ShipOrder'], 3)).toEqual([false, false, false]);
  });

  describe('probability', () => {
    it('repeats with the same seed', () => {
      const run = (seed: number) => {
        const faults = new FaultInjector(seed);
        faults.inject('PlaceOrder', { error: 'Flaky', probability: 0.5 });
        return outcomes(faults, ['PlaceOrder'], 64);
      };
      const first = run(7);
      expect(run(7)).toEqual(first);
      expect(first).toContain(true);
      expect(first).toContain(false);
      expect(run(8)).not.toEqual(first);
    });

    it('uses seed 42 by default', () => {
      const run = (faults: FaultInjector) => {
        faults.inject('PlaceOrder', { error: 'Flaky', probability: 0.5 });
        return outcomes(faults, ['PlaceOrder'], 64);
      };
      expect(run(new FaultInjector())).toEqual(run(new FaultInjector(42)));
    });

    it.each([
      { probability: 0.3, min: 250, max: 350 },
      { probability: 0.5, min: 450, max: 550 },
      { probability: 0.9, min: 870, max: 930 },
    ])('fails about $probability of 1000 invocations', ({ probability, min, max }) => {
      const faults = new FaultInjector(123);
      faults.inject('PlaceOrder', { error: 'Flaky', probability });
      const failures = outcomes(faults, ['PlaceOrder'], 1000).filter(Boolean).length;
      expect(failures).toBeGreaterThanOrEqual(min);
      expect(failures).toBeLessThanOrEqual(max);
    });

    it.each([
      { probability: 0, failures: 0 },
      { probability: 1, failures: 200 },
    ])(
      'fails $failures of 200 invocations with probability $probability',
      ({ probability, failures }) => {
        const faults = new FaultInjector();
        faults.inject('PlaceOrder', { error: 'Flaky', probability });
        expect(outcomes(faults, ['PlaceOrder'], 200).filter(Boolean).length).toBe(failures);
      },
    );

    it('stops after times failures even with a probability', () => {
      const faults = new FaultInjector();
      faults.inject('PlaceOrder', { error: 'Flaky', probability: 0.5, times: 3 });
      expect(outcomes(faults, ['PlaceOrder'], 200).filter(Boolean).length).toBe(3);
    });

    it.each<FaultSpec>([
      { error: 'Bad', probability: -0.1 },
      { error: 'Bad', probability: 1.5 },
    ])('fails when probability is $probability', (spec) => {
      const faults = new FaultInjector();
      expect(() => faults.inject('PlaceOrder', spec)).toThrow(
        `fault probability must be between 0 and 1, got ${spec.probability}`,
      );
      expect(outcomes(faults, ['PlaceOrder'], 1)).toEqual([false]);
    });
  });
});
