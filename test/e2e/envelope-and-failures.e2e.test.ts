import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime, RecordedExecution } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';

/**
 * End to end through the local runtime: an input that is not a valid envelope
 * is refused before any side effect, and a value the workflow's data does not
 * hold fails the await with an error that the saga catches. Both layouts: in
 * JSONPath a Choice checks the envelope; in JSONata the first task's Arguments
 * do, before its handler is invoked.
 */

type LoanEvent = 'BookReserved' | 'BookReleased' | 'LoanStarted' | 'PaymentTimedOut';

function lendingApp(queryLanguage: sfn.QueryLanguage): LocalRuntime {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Lending');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'lend' });
  const loans = new BoundedContext<LoanEvent>(stack, 'Loans', {
    bus,
    queryLanguage,
    events: ['BookReserved', 'BookReleased', 'LoanStarted', 'PaymentTimedOut'],
  });
  const billing = new BoundedContext<'PaymentTaken'>(stack, 'Billing', {
    bus,
    queryLanguage,
    events: ['PaymentTaken'],
  });
  billing.workflow(billing.task('TakePayment', { entry: fixtureHandler(), emits: 'PaymentTaken' }));
  billing.on(loans.event('BookReserved'));
  loans.workflow(
    loans
      .task('ReserveBook', {
        entry: fixtureHandler(),
        emits: 'BookReserved',
        compensate: { entry: fixtureHandler(), emits: 'BookReleased' },
      })
      .next(
        loans.await('AwaitPayment', {
          events: [billing.event('PaymentTaken')],
          // The workflow's data holds `loanId`, not `loan_id`.
          correlateBy: 'loan_id',
          timeout: Duration.hours(1),
          onTimeout: 'PaymentTimedOut',
        }),
      )
      .next(loans.emit('LoanStarted')),
  );
  return LocalRuntime.fromApp(app);
}

describe.each([
  ['JSONata', sfn.QueryLanguage.JSONATA, 'ReserveBook'],
  ['JSONPath', sfn.QueryLanguage.JSON_PATH, 'Check envelope'],
])('the %s layout', (_layout, queryLanguage, firstState) => {
  let runtime: LocalRuntime;
  beforeAll(() => {
    runtime = lendingApp(queryLanguage);
  });

  afterAll(() => runtime?.dispose());

  function start(input: unknown): RecordedExecution {
    return runtime.startExecution('loans', input);
  }

  /** The execution failed with InvalidEnvelope and did nothing else: no event, no invocation. */
  function expectRefusedAtOnce(execution: RecordedExecution): void {
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('InvalidEnvelope');
    const entered = execution.transitions.filter((t) => t.event === 'entered').map((t) => t.state);
    expect(entered).toEqual([firstState, 'InvalidEnvelope']);
    expect(
      runtime.record.allEvents.filter((e) => e.publishedBy.includes(execution.executionArn)),
    ).toEqual([]);
  }

  describe('a bad envelope is refused before any side effect', () => {
    const eventsBefore = () => runtime.record.allEvents.length;
    const invocationsBefore = () => runtime.record.invocations.length;

    it.each([
      ['a correlationId holding a quote', { metadata: { correlationId: 'loan"1' }, data: {} }],
      ['a correlationId holding a backslash', { metadata: { correlationId: 'loan\\1' }, data: {} }],
      ['a correlationId holding a newline', { metadata: { correlationId: 'loan\n1' }, data: {} }],
      ['a correlationId holding a tab', { metadata: { correlationId: 'loan\t1' }, data: {} }],
      // StringMatches' `*` matches any characters, line breaks included.
      [
        'a correlationId holding two line breaks',
        { metadata: { correlationId: 'loan\n1\n2' }, data: {} },
      ],
      ['an empty correlationId', { metadata: { correlationId: '' }, data: {} }],
      ['a correlationId that is a number', { metadata: { correlationId: 7 }, data: {} }],
      ['no metadata', { data: {} }],
      ['data: null', { metadata: { correlationId: 'loan-1' }, data: null }],
      ['data that is a string', { metadata: { correlationId: 'loan-1' }, data: 'loan' }],
      ['data that is a list', { metadata: { correlationId: 'loan-1' }, data: ['loan'] }],
      ['no data', { metadata: { correlationId: 'loan-1' } }],
      [
        'a causationId holding a quote',
        { metadata: { correlationId: 'loan-1', causationId: 'cmd"1' }, data: {} },
      ],
      [
        'an empty causationId',
        { metadata: { correlationId: 'loan-1', causationId: '' }, data: {} },
      ],
    ])('%s', async (_what, input) => {
      const events = eventsBefore();
      const invocations = invocationsBefore();
      const execution = start(input);
      await runtime.settle();
      expectRefusedAtOnce(execution);
      expect(runtime.record.allEvents.length).toBe(events);
      expect(runtime.record.invocations.length).toBe(invocations);
    });

    it('accepts a correlationId of letters, digits and punctuation, and keeps other metadata', async () => {
      const execution = start({
        metadata: { correlationId: 'tenant-7/loan:1.2_3@x+y=z', tenant: 't-7' },
        data: { loanId: 'l-ok' },
      });
      await runtime.settle();
      const started = runtime.record
        .events('WorkflowStarted', 'tenant-7/loan:1.2_3@x+y=z')
        .find((e) => e.source === 'lend.loans');
      expect(started?.detail.metadata.causationId).toBe(execution.executionArn);
      // The defaulting step keeps every other field of the input's metadata.
      const reserve = runtime.record.invocations.find(
        (i) =>
          i.task === 'ReserveBook' &&
          (i.input as any).metadata.correlationId.startsWith('tenant-7'),
      );
      expect((reserve?.input as any).metadata).toEqual({
        correlationId: 'tenant-7/loan:1.2_3@x+y=z',
        tenant: 't-7',
        causationId: execution.executionArn,
      });
    });
  });

  describe('a correlation value the data does not hold', () => {
    it('fails the await with CorrelationValueMissing, compensates and publishes the failure events', async () => {
      const execution = start({ metadata: { correlationId: 'loan-2' }, data: { loanId: 'l-2' } });
      await runtime.settle();

      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('CorrelationValueMissing');
      expect(execution.cause).toMatch(/loan_id/);
      const events = runtime.record
        .events(undefined, 'loan-2')
        .filter((e) => e.source === 'lend.loans')
        .map((e) => e.detailType);
      expect(events).toEqual([
        'WorkflowStarted',
        'BookReserved',
        'TaskFailed',
        'BookReleased',
        'WorkflowFailed',
      ]);
      const taskFailed = runtime.record.events('TaskFailed', 'loan-2')[0];
      expect(taskFailed.detail.metadata.state).toBe('AwaitPayment');
      expect(taskFailed.detail.data.error).toBe('CorrelationValueMissing');
    });
  });
});
