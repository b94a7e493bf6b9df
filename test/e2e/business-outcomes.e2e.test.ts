import { Duration, Stack } from 'aws-cdk-lib';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime, RecordedExecution } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';
import { foreignMetadata } from './foreign-metadata';

/**
 * End to end through the local runtime, on a lending system: Loans reserves a
 * book and awaits Billing's answer. A declined card is a business outcome
 * (every execution succeeds, the reservation is released); a handler that
 * throws a plain Error is an outage (the execution fails, with compensation,
 * TaskFailed and WorkflowFailed).
 */

type LoanEvent = 'BookReserved' | 'BookReleased' | 'LoanStarted' | 'LoanCancelled' | 'LoanFailed';
type BillingEvent = 'PaymentTaken' | 'PaymentDeclined' | 'BillingFailed';

let runtime: LocalRuntime;

beforeAll(() => {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Lending');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'lend' });
  const loans = new BoundedContext<LoanEvent>(stack, 'Loans', {
    bus,
    events: ['BookReserved', 'BookReleased', 'LoanStarted', 'LoanCancelled', 'LoanFailed'],
  });
  const billing = new BoundedContext<BillingEvent>(stack, 'Billing', {
    bus,
    events: ['PaymentTaken', 'PaymentDeclined', 'BillingFailed'],
  });
  billing.on(loans.event('BookReserved'));
  billing.workflow(
    billing.task('TakePayment', { entry: fixtureHandler(), emits: 'PaymentTaken' }).onError(
      'CardDeclined',
      billing.emit('PaymentDeclined', {
        data: '{% $merge([$states.input.data, $states.input.error]) %}',
      }),
    ),
    { failureEvent: 'BillingFailed' },
  );
  loans.workflow(
    loans
      .task('ReserveBook', {
        entry: fixtureHandler(),
        emits: 'BookReserved',
        compensate: { entry: fixtureHandler(), emits: 'BookReleased' },
      })
      .next(
        loans
          .await('AwaitPayment', {
            events: [billing.event('PaymentTaken'), billing.event('PaymentDeclined')],
            correlateBy: 'loanId',
            timeout: Duration.hours(1),
            onTimeout: 'LoanFailed',
          })
          .when(
            billing.event('PaymentTaken'),
            loans.task('StartLoan', { entry: fixtureHandler(), emits: 'LoanStarted' }),
          )
          .when(
            billing.event('PaymentDeclined'),
            loans.compensate('Declined', {
              error: 'PaymentDeclined',
              cause: 'billing declined the payment',
              then: loans.emit('LoanCancelled'),
            }),
          ),
      ),
    { failureEvents: { default: 'LoanFailed' } },
  );
  runtime = LocalRuntime.fromApp(app);
});

afterAll(() => runtime?.dispose());

afterEach(() => {
  expect(foreignMetadata(runtime.record.events())).toEqual([]);
});

function lend(loanId: string): RecordedExecution {
  return runtime.startExecution('loans', {
    metadata: { correlationId: loanId },
    data: { loanId, isbn: '978-0', card: 'tok' },
  });
}

const flow = (id: string) =>
  runtime.record
    .events(undefined, id)
    .filter((e) => !['WorkflowStarted', 'WorkflowSucceeded'].includes(e.detailType))
    .map((e) => `${e.source.split('.')[1]} ${e.detailType}`);

describe('a lending saga, end to end', () => {
  it('a declined card releases the book and cancels the loan: every execution succeeds', async () => {
    runtime.injectFault('TakePayment', {
      error: 'CardDeclined',
      message: 'card declined',
      times: 1,
    });
    const loan = lend('loan-declined');
    await runtime.settle();

    expect(loan.status).toBe('SUCCEEDED');
    expect(runtime.record.flow('loan-declined').executions.map((e) => e.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(flow('loan-declined')).toEqual([
      'loans BookReserved',
      'billing PaymentDeclined',
      'loans BookReleased',
      'loans LoanCancelled',
    ]);
    const declined = runtime.record.events('PaymentDeclined', 'loan-declined')[0];
    expect(declined.detail.data).toMatchObject({ loanId: 'loan-declined', Error: 'CardDeclined' });
    const cancelled = runtime.record.events('LoanCancelled', 'loan-declined')[0];
    // The awaited event's identity and data, not its metadata.
    expect(cancelled.detail.data.awaited).toEqual({
      event: 'PaymentDeclined',
      source: 'lend.billing',
      eventId: declined.detail.metadata.eventId,
      data: declined.detail.data,
    });
  });

  it('a plain Error after the retries fails the execution: compensation, TaskFailed, WorkflowFailed', async () => {
    // Transient errors are retried first; the plain Error that follows is not a business outcome.
    runtime.injectFault('StartLoan', { error: 'Lambda.ServiceException', times: 2 });
    runtime.injectFault('StartLoan', {
      error: 'Error',
      message: 'catalogue unreachable',
      times: 1,
    });
    const loan = lend('loan-outage');
    // Two retries on the virtual clock: at most 1 s, then 2 s (full jitter).
    await runtime.advance(Duration.seconds(3));

    expect(loan).toMatchObject({ status: 'FAILED', error: 'Error' });
    expect(
      runtime.record.invocations.filter((i) => i.task === 'StartLoan').map((i) => i.error?.name),
    ).toEqual(['Lambda.ServiceException', 'Lambda.ServiceException', 'Error']);
    expect(flow('loan-outage')).toEqual([
      'loans BookReserved',
      'billing PaymentTaken',
      'loans TaskFailed',
      'loans BookReleased',
      'loans LoanFailed',
      'loans WorkflowFailed',
    ]);
  });
});
