import {
  duplicateContextNames,
  SubscriptionEdge,
  unfilteredCycles,
} from '../../lib/context/private/context-map';

/** `A>B:E` is "B subscribes to A's event E"; a trailing `?` marks a filtered subscription. */
function edges(...specs: string[]): SubscriptionEdge[] {
  return specs.map((spec) => {
    const [, publisher, subscriber, event, filter] = /^(\w+)>(\w+):(\w+)(\?)?$/.exec(spec)!;
    return { publisher, subscriber, event, filtered: filter === '?' };
  });
}

const show = (cycles: SubscriptionEdge[][]) =>
  cycles.map((cycle) => cycle.map((e) => `${e.publisher}>${e.subscriber}:${e.event}`).join(' '));

describe('unfilteredCycles', () => {
  it.each<[string, string[], string[]]>([
    ['no subscriptions', [], []],
    ['a chain', ['A>B:X', 'B>C:Y'], []],
    ['a two-context cycle', ['A>B:X', 'B>A:Y'], ['A>B:X B>A:Y']],
    ['a three-context cycle', ['B>C:Y', 'C>A:Z', 'A>B:X'], ['A>B:X B>C:Y C>A:Z']],
    ['a cycle broken by one filter', ['A>B:X?', 'B>A:Y'], []],
    ['a self-subscription, refused elsewhere', ['A>A:X'], []],
    ['the shortest cycle of a group', ['A>B:X', 'B>C:Y', 'C>A:Z', 'B>A:W'], ['A>B:X B>A:W']],
    ['two separate cycles', ['A>B:X', 'B>A:Y', 'C>D:Z', 'D>C:W'], ['A>B:X B>A:Y', 'C>D:Z D>C:W']],
    ['a cycle with a filtered detour', ['A>B:X', 'B>A:Y', 'B>C:V?', 'C>A:U'], ['A>B:X B>A:Y']],
  ])('%s', (_name, specs, expected) => {
    expect(show(unfilteredCycles(edges(...specs)))).toEqual(expected);
  });
});

describe('duplicateContextNames', () => {
  it('pairs each reuse of a name on one bus with its first use', () => {
    const contexts = [
      { path: 'S/Orders', contextName: 'orders', busKey: 'bus1' },
      { path: 'S/History', contextName: 'orders', busKey: 'bus1' },
      { path: 'T/Orders', contextName: 'orders', busKey: 'bus2' },
      { path: 'S/Kitchen', contextName: 'kitchen', busKey: 'bus1' },
      { path: 'S/Again', contextName: 'orders', busKey: 'bus1' },
    ];
    expect(
      duplicateContextNames(contexts).map(({ context, first }) => [context.path, first.path]),
    ).toEqual([
      ['S/History', 'S/Orders'],
      ['S/Again', 'S/Orders'],
    ]);
  });
});
