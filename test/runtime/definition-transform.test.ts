import {
  fillPlaceholder,
  LOCAL_WAIT_RESOURCE,
  localDefinition,
} from '../../lib/runtime/definition-transform';

/** What every Task (and Wait stand-in) gets so aws-local-stepfunctions' own timer never fires. */
const REAL_TIMER_SECONDS = 2_000_000;

const lambdaTask = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
  ...extra,
});

describe('localDefinition', () => {
  it('removes the top-level TimeoutSeconds and returns it', () => {
    const local = localDefinition({
      StartAt: 'Done',
      TimeoutSeconds: 300,
      States: { Done: { Type: 'Succeed' } },
    });
    expect(local.timeoutSeconds).toBe(300);
    expect(local.definition).not.toHaveProperty('TimeoutSeconds');
    expect(local.definition.States).toEqual({ Done: { Type: 'Succeed' } });
  });

  it('has no timeoutSeconds when the workflow sets none', () => {
    const local = localDefinition({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    expect(local.timeoutSeconds).toBeUndefined();
    expect(local.taskTimeouts.size).toBe(0);
    expect(local.tasks.size).toBe(0);
    expect(local.retryable).toEqual([]);
  });

  describe('Task states', () => {
    it.each([
      {
        name: 'with TimeoutSeconds records it',
        state: lambdaTask({ TimeoutSeconds: 30, End: true }),
        recorded: 30,
      },
      {
        name: 'without TimeoutSeconds records nothing',
        state: lambdaTask({ End: true }),
        recorded: undefined,
      },
      {
        name: 'with HeartbeatSeconds drops it',
        state: lambdaTask({ TimeoutSeconds: 600, HeartbeatSeconds: 60, End: true }),
        recorded: 600,
      },
      {
        name: 'with TimeoutSecondsPath drops it',
        state: lambdaTask({ TimeoutSecondsPath: '$.timeout', End: true }),
        recorded: undefined,
      },
    ])('$name and sets the large real-timer value', ({ state, recorded }) => {
      const local = localDefinition({ StartAt: 'Work', States: { Work: state } });
      const work = local.definition.States.Work;
      expect(local.taskTimeouts.get('Work')).toBe(recorded);
      expect(local.taskTimeouts.has('Work')).toBe(recorded !== undefined);
      expect(work.TimeoutSeconds).toBe(REAL_TIMER_SECONDS);
      expect(work).not.toHaveProperty('HeartbeatSeconds');
      expect(work).not.toHaveProperty('TimeoutSecondsPath');
      expect(work.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect(work.Parameters).toEqual({ FunctionName: 'fn', 'Payload.$': '$' });
      expect(work.End).toBe(true);
      expect(local.tasks.get('Work')).toBe(work);
    });

    it('leaves states that are not Tasks or Waits alone', () => {
      const states = {
        Start: { Type: 'Pass', Result: { a: 1 }, TimeoutSeconds: 5, Next: 'Choose' },
        Choose: {
          Type: 'Choice',
          Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'Ok' }],
          Default: 'Bad',
        },
        Ok: { Type: 'Succeed' },
        Bad: { Type: 'Fail', Error: 'Bad', Cause: 'bad' },
      };
      const local = localDefinition({ StartAt: 'Start', States: states });
      expect(local.definition.States).toEqual(states);
      expect(local.tasks.size).toBe(0);
      expect(local.taskTimeouts.size).toBe(0);
    });
  });

  describe('Wait states', () => {
    it.each([
      { name: 'Seconds', wait: { Seconds: 60 }, parameters: { seconds: 60 } },
      {
        name: 'SecondsPath',
        wait: { SecondsPath: '$.delay' },
        parameters: { 'seconds.$': '$.delay' },
      },
      {
        name: 'Timestamp',
        wait: { Timestamp: '2026-01-02T00:00:00Z' },
        parameters: { timestamp: '2026-01-02T00:00:00Z' },
      },
      {
        name: 'TimestampPath',
        wait: { TimestampPath: '$.until' },
        parameters: { 'timestamp.$': '$.until' },
      },
    ])('turns a Wait with $name into a local wait Task', ({ wait, parameters }) => {
      const local = localDefinition({
        StartAt: 'Pause',
        States: {
          Pause: {
            Type: 'Wait',
            ...wait,
            Comment: 'pause',
            InputPath: '$.in',
            OutputPath: '$.out',
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      });
      const pause = local.definition.States.Pause;
      expect(pause).toEqual({
        Type: 'Task',
        Resource: LOCAL_WAIT_RESOURCE,
        Parameters: parameters,
        ResultPath: null,
        TimeoutSeconds: REAL_TIMER_SECONDS,
        Comment: 'pause',
        InputPath: '$.in',
        OutputPath: '$.out',
        Next: 'Done',
      });
      expect(local.tasks.get('Pause')).toBe(pause);
      // A Wait's duration is the wait itself, not a task timeout.
      expect(local.taskTimeouts.has('Pause')).toBe(false);
    });

    it('keeps End on a final Wait', () => {
      const local = localDefinition({
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 1, End: true } },
      });
      expect(local.definition.States.Pause).toMatchObject({
        Type: 'Task',
        Resource: LOCAL_WAIT_RESOURCE,
        End: true,
      });
      expect(local.definition.States.Pause).not.toHaveProperty('Next');
      expect(local.definition.States.Pause).not.toHaveProperty('Seconds');
    });
  });

  it('transforms Parallel branches and Map processors, collecting their tasks', () => {
    const definition = {
      StartAt: 'Fan out',
      TimeoutSeconds: 900,
      States: {
        'Fan out': {
          Type: 'Parallel',
          Retry: [{ ErrorEquals: ['States.ALL'] }],
          Branches: [
            {
              StartAt: 'Branch A',
              States: { 'Branch A': lambdaTask({ TimeoutSeconds: 10, End: true }) },
            },
            {
              StartAt: 'Branch wait',
              States: {
                'Branch wait': { Type: 'Wait', Seconds: 5, Next: 'Branch B' },
                'Branch B': lambdaTask({
                  HeartbeatSeconds: 3,
                  Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }],
                  End: true,
                }),
              },
            },
          ],
          Next: 'Each item',
        },
        'Each item': {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Item task',
            States: { 'Item task': lambdaTask({ TimeoutSeconds: 20, End: true }) },
          },
          Next: 'Legacy map',
        },
        'Legacy map': {
          Type: 'Map',
          Iterator: {
            StartAt: 'Iterator wait',
            States: {
              'Iterator wait': { Type: 'Wait', TimestampPath: '$.at', Next: 'Iterator task' },
              'Iterator task': lambdaTask({ TimeoutSeconds: 40, End: true }),
            },
          },
          End: true,
        },
      },
    };
    const before = structuredClone(definition);
    const local = localDefinition(definition);

    expect(definition).toEqual(before);
    expect(local.timeoutSeconds).toBe(900);
    expect([...local.taskTimeouts]).toEqual(
      expect.arrayContaining([
        ['Branch A', 10],
        ['Item task', 20],
        ['Iterator task', 40],
      ]),
    );
    expect(local.taskTimeouts.size).toBe(3);
    expect([...local.tasks.keys()].sort()).toEqual(
      ['Branch A', 'Branch B', 'Branch wait', 'Item task', 'Iterator task', 'Iterator wait'].sort(),
    );
    expect(local.retryable.sort()).toEqual(['Branch B', 'Fan out']);

    const states = local.definition.States;
    const branchB = states['Fan out'].Branches[1].States;
    expect(branchB['Branch wait']).toMatchObject({
      Type: 'Task',
      Resource: LOCAL_WAIT_RESOURCE,
      Parameters: { seconds: 5 },
      Next: 'Branch B',
    });
    expect(branchB['Branch B']).not.toHaveProperty('HeartbeatSeconds');
    expect(branchB['Branch B'].TimeoutSeconds).toBe(REAL_TIMER_SECONDS);
    expect(states['Each item'].ItemProcessor.States['Item task'].TimeoutSeconds).toBe(
      REAL_TIMER_SECONDS,
    );
    expect(states['Legacy map'].Iterator.States['Iterator wait']).toMatchObject({
      Type: 'Task',
      Resource: LOCAL_WAIT_RESOURCE,
      Parameters: { 'timestamp.$': '$.at' },
      ResultPath: null,
    });
    // The tasks map points into the returned definition, not into the input.
    expect(local.tasks.get('Item task')).toBe(
      states['Each item'].ItemProcessor.States['Item task'],
    );
  });

  it('does not mutate its input', () => {
    const definition = {
      StartAt: 'Work',
      TimeoutSeconds: 60,
      States: {
        Work: lambdaTask({ TimeoutSeconds: 5, HeartbeatSeconds: 2, Next: 'Pause' }),
        Pause: { Type: 'Wait', Seconds: 3, End: true },
      },
    };
    const before = structuredClone(definition);
    const local = localDefinition(definition);
    expect(definition).toEqual(before);
    expect(local.definition).not.toBe(definition);
    expect(local.definition.States.Work).not.toBe(definition.States.Work);
  });
});

describe('fillPlaceholder', () => {
  const P = '__placeholder__';

  it.each([
    { name: 'the value itself', value: P, filled: 'token' },
    { name: 'a string that is not the placeholder', value: 'other', filled: 'other' },
    { name: 'a number', value: 7, filled: 7 },
    { name: 'null', value: null, filled: null },
    { name: 'undefined', value: undefined, filled: undefined },
    { name: 'an array', value: [P, 'x', P], filled: ['token', 'x', 'token'] },
    {
      name: 'nested objects and arrays',
      value: { a: P, b: { c: [1, { d: P }], e: 'keep' }, f: true },
      filled: { a: 'token', b: { c: [1, { d: 'token' }], e: 'keep' }, f: true },
    },
    {
      name: 'object keys (left alone)',
      value: { [P]: 'value' },
      filled: { [P]: 'value' },
    },
  ])('replaces in $name', ({ value, filled }) => {
    expect(fillPlaceholder(value, P, 'token')).toEqual(filled);
  });

  it('fills objects and arrays in place and returns them', () => {
    const list = [P, { b: P }];
    const value = { a: P, list };
    const filled = fillPlaceholder(value, P, 'token');
    expect(filled).toBe(value);
    expect(value.list).toBe(list);
    expect(value).toEqual({ a: 'token', list: ['token', { b: 'token' }] });
  });
});
