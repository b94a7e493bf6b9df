import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext } from '../../lib';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { fixtureHandler, testStack } from '../helpers';

/** These tests pin the JSONPath layout; test/workflow/jsonata-layout.test.ts tests the JSONata one. */
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

type Ev =
  | 'BookReserved'
  | 'BookReleased'
  | 'CardCharged'
  | 'CardRefunded'
  | 'LoanStarted'
  | 'LoanCancelled'
  | 'PaymentDeclined'
  | 'LoanRejected'
  | 'LoanFailed';

const EVENTS: Ev[] = [
  'BookReserved',
  'BookReleased',
  'CardCharged',
  'CardRefunded',
  'LoanStarted',
  'LoanCancelled',
  'PaymentDeclined',
  'LoanRejected',
  'LoanFailed',
];

/** A lending saga: reserve a book, charge the card, start the loan. */
function lending() {
  const { stack, bus } = testStack();
  const loans = new BoundedContext<Ev>(stack, 'Loans', {
    bus,
    queryLanguage: JSON_PATH,
    events: EVENTS,
  });
  const reserve = loans.task('ReserveBook', {
    entry: fixtureHandler(),
    emits: 'BookReserved',
    compensate: { entry: fixtureHandler(), emits: 'BookReleased' },
  });
  const charge = loans.task('ChargeCard', {
    entry: fixtureHandler(),
    emits: 'CardCharged',
    compensate: { entry: fixtureHandler(), emits: 'CardRefunded' },
  });
  const start = loans.task('StartLoan', { entry: fixtureHandler(), emits: 'LoanStarted' });
  return { stack, loans, reserve, charge, start };
}

const statesOf = (stack: Stack) =>
  resolveStateMachines(Template.fromStack(stack).toJSON())[0].definition.States as Record<
    string,
    any
  >;

/** The state names of the path from `from`, following Next only. */
function pathFrom(states: Record<string, any>, from: string): string[] {
  const path: string[] = [];
  for (let name: string | undefined = from; name; name = states[name].Next) path.push(name);
  return path;
}

describe('business outcomes of a saga', () => {
  describe('task.onError', () => {
    const { stack, loans, reserve, charge, start } = lending();
    loans.workflow(
      reserve
        .next(
          charge.onError(
            'CardDeclined',
            loans.compensate('Declined', {
              error: 'CardDeclined',
              cause: 'the card was declined',
              then: loans.emit('LoanCancelled'),
            }),
          ),
        )
        .next(start),
    );
    const states = statesOf(stack);

    it('catches the named error into $.error before the failure path', () => {
      expect(states.ChargeCard.Catch).toEqual([
        { ErrorEquals: ['CardDeclined'], ResultPath: '$.error', Next: 'Declined' },
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.error',
          Next: 'Publish TaskFailed (ChargeCard)',
        },
      ]);
    });

    it('compensates the completed tasks in reverse order, then goes on and succeeds', () => {
      expect(pathFrom(states, 'Declined')).toEqual([
        'Declined',
        'Compensate ReserveBook (Declined)',
        'Publish BookReleased (Compensate ReserveBook (Declined))',
        'Publish LoanCancelled',
        'Publish WorkflowSucceeded',
      ]);
      expect(states.Declined).toMatchObject({
        Type: 'Pass',
        Parameters: { Error: 'CardDeclined', Cause: 'the card was declined' },
        ResultPath: '$.error',
      });
    });

    it('keeps the failure path of other errors: TaskFailed, compensation, WorkflowFailed, Fail', () => {
      expect(pathFrom(states, 'Publish TaskFailed (ChargeCard)')).toEqual([
        'Publish TaskFailed (ChargeCard)',
        'Compensate ReserveBook',
        'Publish BookReleased',
        'Publish WorkflowFailed',
        'Failed',
      ]);
    });
  });

  describe('context.compensate after several tasks', () => {
    const { stack, loans, reserve, charge, start } = lending();
    const cancel = loans.compensate('Refused', {
      error: 'LoanRefused',
      cause: 'the library refused the loan',
      then: loans.emit('LoanCancelled'),
    });
    loans.workflow(
      reserve
        .next(charge)
        .next(
          new sfn.Choice(loans, 'Allowed?')
            .when(sfn.Condition.booleanEquals('$.data.allowed', false), cancel)
            .otherwise(start),
        ),
    );
    const states = statesOf(stack);

    it('undoes the tasks of every path to it, latest first, each publishing its event', () => {
      expect(pathFrom(states, 'Refused')).toEqual([
        'Refused',
        'Compensate ChargeCard (Refused)',
        'Publish CardRefunded (Compensate ChargeCard (Refused))',
        'Compensate ReserveBook (Refused)',
        'Publish BookReleased (Compensate ReserveBook (Refused))',
        'Publish LoanCancelled',
        'Publish WorkflowSucceeded',
      ]);
    });

    it('does not add a Fail or WorkflowFailed to the compensating path', () => {
      const fromRefused = pathFrom(states, 'Refused');
      expect(fromRefused).not.toContain('Failed');
      expect(fromRefused).not.toContain('Publish WorkflowFailed');
    });
  });

  describe('failureEvents', () => {
    it('publishes the event named for the error, and the default for the others', () => {
      const { stack, loans, reserve, start } = lending();
      loans.workflow(reserve.next(start), {
        failureEvents: { InvalidLoan: 'LoanRejected', default: 'LoanFailed' },
      });
      const states = statesOf(stack);
      expect(states['Which failure event?']).toEqual({
        Type: 'Choice',
        Choices: [
          {
            Variable: '$.error.Error',
            StringEquals: 'InvalidLoan',
            Next: 'Publish LoanRejected',
          },
        ],
        Default: 'Publish LoanFailed',
      });
      expect(states['Publish LoanRejected'].Next).toBe('Publish WorkflowFailed');
      expect(states['Publish LoanFailed'].Next).toBe('Publish WorkflowFailed');
      expect(states['Publish BookReleased'].Next).toBe('Which failure event?');
    });

    it('publishes only WorkflowFailed for an error not named and no default', () => {
      const { stack, loans, reserve, start } = lending();
      loans.workflow(reserve.next(start), { failureEvents: { InvalidLoan: 'LoanRejected' } });
      expect(statesOf(stack)['Which failure event?'].Default).toBe('Publish WorkflowFailed');
    });

    it('keeps failureEvent as the event of every error', () => {
      const { stack, loans, reserve, start } = lending();
      loans.workflow(reserve.next(start), { failureEvent: 'LoanFailed' });
      const states = statesOf(stack);
      expect(states['Which failure event?']).toBeUndefined();
      expect(states['Publish BookReleased'].Next).toBe('Publish LoanFailed');
    });
  });

  describe('fails when', () => {
    it('an error name is routed twice on one task', () => {
      const { loans, charge } = lending();
      charge.onError('CardDeclined', loans.emit('PaymentDeclined'));
      expect(() => charge.onError('CardDeclined', loans.emit('LoanCancelled'))).toThrow(
        /\[Test\/Loans\/ChargeCard\/Fragment\] invalid onError error: 'CardDeclined'\. ChargeCard already sends CardDeclined to a state/,
      );
    });

    it.each(['States.ALL', 'States.TaskFailed', 'States.Timeout'])(
      'a Step Functions error (%s) is routed',
      (error) => {
        const { loans, charge } = lending();
        expect(() => charge.onError(error, loans.emit('PaymentDeclined'))).toThrow(
          new RegExp(`invalid onError error: '${error}'\\. Names that begin with 'States\\.'`),
        );
      },
    );

    it('an empty error name is routed', () => {
      const { loans, charge } = lending();
      expect(() => charge.onError('', loans.emit('PaymentDeclined'))).toThrow(
        /invalid onError error: ''\. Give the error's name/,
      );
    });

    it('a compensate() state is part of no path of the workflow', () => {
      const { loans, reserve, start } = lending();
      loans.compensate('Orphan', {
        error: 'Refused',
        cause: 'no',
        then: loans.emit('LoanCancelled'),
      });
      expect(() => loans.workflow(reserve.next(start))).toThrow(
        /\[Test\/Loans\/Orphan\] invalid compensate: 'Orphan'\. No path of the loans workflow reaches this compensate\(\) state/,
      );
    });

    it("a compensate() state's then is also reached without compensating", () => {
      const { loans, reserve, charge } = lending();
      const cancelled = loans.emit('LoanCancelled');
      const refused = loans.compensate('Refused', {
        error: 'Refused',
        cause: 'no',
        then: cancelled,
      });
      expect(() =>
        loans.workflow(
          reserve.next(
            new sfn.Choice(loans, 'Ok?')
              .when(sfn.Condition.isPresent('$.data.ok'), charge)
              .when(sfn.Condition.isPresent('$.data.no'), refused)
              .otherwise(cancelled),
          ),
        ),
      ).toThrow(/invalid then: 'Publish LoanCancelled'\. The workflow also reaches/);
    });

    it('a state is chained after a compensate() state', () => {
      const { loans, reserve, start } = lending();
      const refused = loans.compensate('Refused', {
        error: 'Refused',
        cause: 'no',
        then: loans.emit('LoanCancelled'),
      });
      refused.next(start);
      expect(() => loans.workflow(reserve.next(refused))).toThrow(
        /\[Test\/Loans\/Refused\] invalid next: 'StartLoan'\. A compensate\(\) state goes on with its then/,
      );
    });

    it('two compensate() states share one then', () => {
      const { loans, reserve } = lending();
      const cancelled = loans.emit('LoanCancelled');
      const a = loans.compensate('RefusedA', { error: 'A', cause: 'a', then: cancelled });
      const b = loans.compensate('RefusedB', { error: 'B', cause: 'b', then: cancelled });
      expect(() =>
        loans.workflow(
          reserve.next(
            new sfn.Choice(loans, 'Which?')
              .when(sfn.Condition.isPresent('$.data.a'), a)
              .otherwise(b),
          ),
        ),
      ).toThrow(/invalid then: 'Publish LoanCancelled'\. compensate\(\) state RefusedA goes on/);
    });

    it('a compensate() state records a Step Functions error name', () => {
      const { loans } = lending();
      expect(() =>
        loans.compensate('Refused', {
          error: 'States.Timeout',
          cause: 'no',
          then: loans.emit('LoanCancelled'),
        }),
      ).toThrow(/\[Test\/Loans\/Refused\] invalid error: 'States\.Timeout'/);
    });

    it('failureEvents names an event the context does not declare', () => {
      const { loans, reserve } = lending();
      expect(() =>
        loans.workflow(reserve, { failureEvents: { InvalidLoan: 'LoanRejectd' as Ev } }),
      ).toThrow(
        /\[Test\/Loans\] invalid failureEvents\.InvalidLoan: 'LoanRejectd'\. loans publishes .*Declare 'LoanRejectd'/,
      );
    });

    it('failureEvents routes States.ALL instead of using default', () => {
      const { loans, reserve } = lending();
      expect(() =>
        loans.workflow(reserve, { failureEvents: { 'States.ALL': 'LoanFailed' } }),
      ).toThrow(/invalid failureEvents\.States\.ALL: 'LoanFailed'\. .*use the key 'default'/);
    });

    it('failureEvent and failureEvents.default are both given', () => {
      const { loans, reserve } = lending();
      expect(() =>
        loans.workflow(reserve, {
          failureEvent: 'LoanFailed',
          failureEvents: { default: 'LoanRejected' },
        }),
      ).toThrow(/invalid failureEvent: 'LoanFailed'\. failureEvents\.default names the event/);
    });
  });
});
