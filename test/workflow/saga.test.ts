import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext } from '../../lib';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { dominators, strictDominatorsAmong, workflowGraph } from '../../lib/workflow/state-graph';
import { fixtureHandler, testStack } from '../helpers';

/** These tests pin the JSONPath layout; test/workflow/jsonata-layout.test.ts tests the JSONata one. */
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

type Ev =
  | 'StockReserved'
  | 'StockReleased'
  | 'PaymentTaken'
  | 'PaymentRefunded'
  | 'Shipped'
  | 'CheckoutCancelled';

function checkout() {
  const { stack, bus } = testStack();
  const ctx = new BoundedContext<Ev>(stack, 'Checkout', {
    bus,
    queryLanguage: JSON_PATH,
    events: [
      'StockReserved',
      'StockReleased',
      'PaymentTaken',
      'PaymentRefunded',
      'Shipped',
      'CheckoutCancelled',
    ],
  });
  const reserve = ctx.task('ReserveStock', {
    entry: fixtureHandler(),
    emits: 'StockReserved',
    compensate: { entry: fixtureHandler(), emits: 'StockReleased' },
  });
  const pay = ctx.task('TakePayment', {
    entry: fixtureHandler(),
    emits: 'PaymentTaken',
    compensate: { entry: fixtureHandler(), emits: 'PaymentRefunded' },
  });
  const ship = ctx.task('Ship', { entry: fixtureHandler(), emits: 'Shipped' });
  return { stack, ctx, reserve, pay, ship };
}

const statesOf = (stack: Stack) =>
  resolveStateMachines(Template.fromStack(stack).toJSON())[0].definition.States as Record<
    string,
    any
  >;

describe('saga compensation', () => {
  describe('a linear saga', () => {
    const { stack, ctx, reserve, pay, ship } = checkout();
    const fraud = ctx.fail('FraudSuspected', {
      error: 'Fraud',
      cause: 'the payment looks fraudulent',
    });
    ctx.workflow(
      reserve
        .next(pay)
        .next(
          new sfn.Choice(stack, 'Fraud?')
            .when(sfn.Condition.booleanEquals('$.data.fraud', true), fraud)
            .otherwise(ship),
        ),
      { failureEvent: 'CheckoutCancelled' },
    );
    const s = statesOf(stack);

    it('undoes nothing when the first task fails', () => {
      expect(s['Publish TaskFailed (ReserveStock)'].Next).toBe('Publish CheckoutCancelled');
    });

    it('undoes the completed tasks in reverse order when a later task fails', () => {
      expect(s['Publish TaskFailed (TakePayment)'].Next).toBe('Compensate ReserveStock');
      expect(s['Publish TaskFailed (Ship)'].Next).toBe('Compensate TakePayment');
      expect(s['Compensate TakePayment'].Next).toBe('Publish PaymentRefunded');
      expect(s['Publish PaymentRefunded'].Next).toBe('Compensate ReserveStock');
      expect(s['Compensate ReserveStock'].Next).toBe('Publish StockReleased');
      expect(s['Publish StockReleased'].Next).toBe('Publish CheckoutCancelled');
    });

    it('compensates from a fail() state, with its error', () => {
      expect(s.FraudSuspected).toMatchObject({
        Type: 'Pass',
        Parameters: { Error: 'Fraud', Cause: 'the payment looks fraudulent' },
        ResultPath: '$.error',
        Next: 'Compensate TakePayment',
      });
    });

    it('publishes the failure event with the data and the reason, then WorkflowFailed, then fails with the original error', () => {
      // The workflow's data (so consumers can correlate it) plus Error and Cause.
      expect(s['Publish CheckoutCancelled'].Parameters.Entries[0].Detail['data.$']).toBe(
        'States.JsonMerge($.data, $.error, false)',
      );
      expect(s['Publish CheckoutCancelled'].Next).toBe('Publish WorkflowFailed');
      expect(s['Publish WorkflowFailed'].Next).toBe('Failed');
      expect(s.Failed).toEqual({
        Type: 'Fail',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      });
    });

    it('runs each compensation with the error, keeps $.data, retries it, and goes on if it fails for good', () => {
      const undo = s['Compensate TakePayment'];
      expect(undo.Parameters).toEqual({
        'metadata.$': '$.metadata',
        'data.$': '$.data',
        task: 'Compensate TakePayment',
        'error.$': '$.error',
      });
      expect(undo.ResultPath).toBe('$.compensation');
      expect(undo.Retry[0].ErrorEquals).toContain('States.TaskFailed');
      expect(undo.Catch).toEqual([
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.compensationError',
          Next: 'Publish TaskFailed (Compensate TakePayment)',
        },
      ]);
      expect(s['Publish TaskFailed (Compensate TakePayment)'].Next).toBe('Compensate ReserveStock');
      expect(s['Publish PaymentRefunded'].Parameters.Entries[0].Detail['data.$']).toBe(
        '$.compensation',
      );
    });

    it('creates one compensation handler per compensable task', () => {
      const functions = Object.keys(
        Template.fromStack(stack).findResources('AWS::Lambda::Function'),
      );
      expect(functions.filter((id) => id.includes('Compensation'))).toHaveLength(2);
    });
  });

  it('does not compensate a task that only some paths ran', () => {
    const { stack, ctx, reserve, pay, ship } = checkout();
    ctx.workflow(
      new sfn.Choice(stack, 'Prepaid?')
        .when(sfn.Condition.booleanEquals('$.data.prepaid', true), reserve)
        .otherwise(pay)
        .afterwards()
        .next(ship),
    );
    const s = statesOf(stack);
    expect(s['Publish TaskFailed (Ship)'].Next).toBe('Publish WorkflowFailed');
    expect(s['Compensate ReserveStock']).toBeUndefined();
  });
});

describe('workflow graph', () => {
  const { stack } = testStack();
  const a = new sfn.Pass(stack, 'A');
  const b = new sfn.Pass(stack, 'B');
  const c = new sfn.Pass(stack, 'C');
  const d = new sfn.Pass(stack, 'D');
  const e = new sfn.Pass(stack, 'E');
  // A -> (B | C) -> D -> E
  a.next(new sfn.Choice(stack, 'X').when(sfn.Condition.isPresent('$.b'), b).otherwise(c));
  b.next(d);
  c.next(d);
  d.next(e);
  const graph = workflowGraph(a);
  const dom = dominators(graph);

  it('reads the transitions of every state', () => {
    expect(graph.successors.get('X')).toEqual(['C', 'B']);
    expect(graph.successors.get('E')).toEqual([]);
  });

  it.each([
    ['A', ['A']],
    ['B', ['A', 'B', 'X']],
    ['D', ['A', 'D', 'X']],
    ['E', ['A', 'D', 'E', 'X']],
  ])('finds the dominators of %s', (name, expected) => {
    expect([...dom.get(name)!].sort()).toEqual(expected);
  });

  it('orders strict dominators nearest first', () => {
    expect(strictDominatorsAmong(dom, 'E', new Set(['A', 'B', 'D']))).toEqual(['D', 'A']);
  });
});
