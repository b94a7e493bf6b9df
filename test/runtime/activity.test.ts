import { Activity } from '../../lib/runtime/activity';
import { RecordedExecution } from '../../lib/runtime/record';

const execution = (name: string, state?: string): RecordedExecution => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:Orders:${name}`,
  stateMachine: 'Orders',
  input: {},
  startedAt: '2026-01-01T12:00:00.000Z',
  startOrder: 0,
  startedBy: 'test',
  status: 'RUNNING',
  transitions: state ? [{ state, type: 'Task', at: '', event: 'entered' }] : [],
});

describe('Activity', () => {
  it('is idle with nothing started', () => {
    expect(new Activity().idle).toBe(true);
  });

  it('counts an execution from its start to its end, once, however often it is ended', () => {
    const activity = new Activity();
    const a = execution('a');
    activity.started(a);
    activity.started(a);
    expect(activity.idle).toBe(false);
    activity.stopped(a.executionArn);
    activity.stopped(a.executionArn);
    expect(activity.idle).toBe(true);
    expect(activity.isActive(a.executionArn)).toBe(false);
  });

  it('is idle when every active execution waits, whatever order waits and ends come in', () => {
    const activity = new Activity();
    const a = execution('a');
    activity.started(a);
    const resume = activity.wait(a.executionArn);
    expect(activity.idle).toBe(true);
    // The execution times out while it waits: its wait then counts for nothing.
    activity.stopped(a.executionArn);
    resume();
    resume();
    expect(activity.idle).toBe(true);
    const b = execution('b');
    activity.started(b);
    expect(activity.idle).toBe(false);
  });

  it('counts an execution with two waits (Parallel branches) as waiting until both go on', () => {
    const activity = new Activity();
    const a = execution('a');
    activity.started(a);
    const first = activity.wait(a.executionArn);
    const second = activity.wait(a.executionArn);
    first();
    expect(activity.idle).toBe(true);
    second();
    expect(activity.idle).toBe(false);
  });

  it('releases each piece of work once', () => {
    const activity = new Activity();
    const done = activity.work();
    const other = activity.work();
    done();
    done();
    expect(activity.idle).toBe(false);
    other();
    expect(activity.idle).toBe(true);
  });

  it('moves its progress count on every change', () => {
    const activity = new Activity();
    const before = activity.progress;
    activity.started(execution('a'));
    activity.moved();
    expect(activity.progress).toBe(before + 2);
  });

  it('describes what is busy: each running execution with its state, and work in flight', () => {
    const activity = new Activity();
    const a = execution('a', 'PlaceOrder');
    const b = execution('b', 'AwaitAcceptance');
    activity.started(a);
    activity.started(b);
    activity.wait(b.executionArn);
    activity.work();
    expect(activity.describeBusy()).toBe(
      `${a.executionArn} in state 'PlaceOrder'; 1 event deliveries or invocations`,
    );
  });
});
