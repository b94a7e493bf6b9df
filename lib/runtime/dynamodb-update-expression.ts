/**
 * DynamoDB update expressions for the local table's UpdateItem: a
 * hand-written recursive-descent parser (no well-kept library parses them on
 * its own; see dynamodb-expression.ts), the checks DynamoDB makes before it
 * reads the item, and the update of an item.
 *
 * ```
 * update-expression ::= [ SET action [, action] ... ] [ REMOVE action [, action] ...]
 *                       [ ADD action [, action] ... ] [ DELETE action [, action] ...]
 * set-action ::= path = value
 * value      ::= operand | operand '+' operand | operand '-' operand
 * operand    ::= path | :value | function
 * function   ::= if_not_exists (path, operand) | list_append (operand, operand)
 * ```
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 */
import {
  addNumbers,
  AttributeValue,
  DocumentPath,
  DynamoDbValidationError,
  Item,
  overlapProblem,
  RawPathElement,
  resolvePath,
  Substitutions,
  tokenize,
  TokenReader,
  undefinedValue,
  valueAt,
} from './dynamodb-expression';

const WHAT = 'UpdateExpression';

/** The four clauses; each may appear once, in any order, keywords in any case. */
const CLAUSES = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;
type Clause = (typeof CLAUSES)[number];

// Function names are case-sensitive (developer guide, "SET").
const FUNCTIONS = new Set(['if_not_exists', 'list_append']);

/** An operand as written, before its placeholders are resolved. */
type RawOperand =
  | { readonly kind: 'path'; readonly path: readonly RawPathElement[] }
  | { readonly kind: 'value'; readonly ref: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly RawOperand[] }
  | {
      readonly kind: 'arithmetic';
      readonly operator: '+' | '-';
      readonly left: RawOperand;
      readonly right: RawOperand;
    };

interface RawAction {
  readonly clause: Clause;
  readonly path: readonly RawPathElement[];
  /** SET: the new value. */
  readonly value?: RawOperand;
  /** ADD, DELETE: the `:value` placeholder. */
  readonly ref?: string;
}

/** An operand with its placeholders resolved. */
export type Operand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] }
  | {
      readonly kind: 'arithmetic';
      readonly operator: '+' | '-';
      readonly left: Operand;
      readonly right: Operand;
    };

/** One action of an update expression, ready to run. */
export interface UpdateAction {
  readonly clause: Clause;
  readonly path: DocumentPath;
  /** SET: the new value. */
  readonly value?: Operand;
  /** ADD, DELETE: the number or set to add or take away. */
  readonly operand?: AttributeValue;
}

/**
 * Parses and checks an update expression as DynamoDB does before it reads the
 * item, resolving its placeholders through `substitutions` (which records
 * their use). Fails with DynamoDB's ValidationException messages.
 */
export function parseUpdateExpression(
  source: string,
  substitutions: Substitutions,
): UpdateAction[] {
  if (source.trim() === '')
    throw new DynamoDbValidationError(`Invalid ${WHAT}: The expression can not be empty;`);
  const { clauses, actions } = new UpdateParser(source).parse();
  return checkAndResolve(clauses, actions, substitutions);
}

class UpdateParser {
  private readonly reader: TokenReader;

  constructor(source: string) {
    this.reader = new TokenReader(source, WHAT, tokenize(source, WHAT), new Set(CLAUSES));
  }

  /** The clauses in the order written, and their actions. */
  public parse(): { clauses: Clause[]; actions: RawAction[] } {
    const clauses: Clause[] = [];
    const actions: RawAction[] = [];
    do {
      const keyword = this.reader.peek();
      if (!this.reader.isKeyword(keyword)) throw this.reader.fail();
      this.reader.next();
      const clause = keyword.text.toUpperCase() as Clause;
      clauses.push(clause);
      do actions.push(this.action(clause));
      while (this.reader.accept(','));
    } while (!this.reader.atEnd());
    this.reader.checkReserved();
    return { clauses, actions };
  }

  private action(clause: Clause): RawAction {
    const path = this.reader.path();
    if (clause === 'REMOVE') return { clause, path };
    if (clause === 'SET') {
      this.reader.expect('=');
      return { clause, path, value: this.setValue() };
    }
    if (this.reader.peek().kind !== 'value') throw this.reader.fail();
    return { clause, path, ref: this.reader.next().text };
  }

  /** `value ::= term [ ('+' | '-') term ]`; a term may be parenthesised. */
  private setValue(): RawOperand {
    const left = this.term();
    const operator = this.reader.peek().text;
    if (this.reader.peek().kind !== 'punctuation' || (operator !== '+' && operator !== '-'))
      return left;
    if (left.kind === 'arithmetic') throw this.reader.fail();
    this.reader.next();
    const right = this.term();
    if (right.kind === 'arithmetic') throw this.reader.failAt(-1);
    return { kind: 'arithmetic', operator, left, right };
  }

  private term(): RawOperand {
    if (!this.reader.accept('(')) return this.operand();
    const inner = this.setValue();
    this.reader.expect(')');
    return inner;
  }

  private operand(): RawOperand {
    const token = this.reader.peek();
    if (token.kind === 'value') {
      this.reader.next();
      return { kind: 'value', ref: token.text };
    }
    if (token.kind === 'identifier' && this.reader.peek(1).text === '(') {
      this.reader.next();
      this.reader.next();
      const args = [this.argument()];
      while (this.reader.accept(',')) args.push(this.argument());
      this.reader.expect(')');
      return { kind: 'call', name: token.text, args };
    }
    return { kind: 'path', path: this.reader.path() };
  }

  /** A function's argument: an operand, maybe parenthesised, never `a + b`. */
  private argument(): RawOperand {
    if (!this.reader.accept('(')) return this.operand();
    const inner = this.argument();
    this.reader.expect(')');
    return inner;
  }
}

/**
 * The checks DynamoDB makes on a parsed update expression, in the order it
 * reports them (as recorded from DynamoDB by dynalite's test suite), and the
 * actions with their placeholders resolved.
 */
function checkAndResolve(
  clauses: readonly Clause[],
  raw: readonly RawAction[],
  substitutions: Substitutions,
): UpdateAction[] {
  const calls = raw.flatMap((action) => (action.value ? callsIn(action.value) : []));
  const unknown = calls.find((call) => !FUNCTIONS.has(call.name));
  if (unknown) fail(`Invalid function name; function: ${unknown.name}`);
  const seen = new Set<Clause>();
  for (const clause of clauses) {
    if (seen.has(clause))
      fail(`The "${clause}" section can only be used once in an update expression;`);
    seen.add(clause);
  }
  const actions = raw.map((action): UpdateAction => {
    const path = resolvePath(action.path, substitutions, WHAT);
    if (action.value) return { clause: action.clause, path, value: resolve(action.value) };
    if (!action.ref) return { clause: action.clause, path };
    return { clause: action.clause, path, operand: resolveValue(action.ref) };
  });

  function resolve(operand: RawOperand): Operand {
    switch (operand.kind) {
      case 'path':
        return { kind: 'path', path: resolvePath(operand.path, substitutions, WHAT) };
      case 'value':
        return { kind: 'value', value: resolveValue(operand.ref) };
      case 'call':
        return { kind: 'call', name: operand.name, args: operand.args.map(resolve) };
      case 'arithmetic':
        return { ...operand, left: resolve(operand.left), right: resolve(operand.right) };
    }
  }
  function resolveValue(ref: string): AttributeValue {
    const value = substitutions.value(ref);
    if (value === undefined) throw undefinedValue(WHAT, ref);
    return value;
  }

  const overlap = overlapProblem(
    actions.map((a) => a.path),
    WHAT,
  );
  if (overlap) throw new DynamoDbValidationError(overlap);
  for (const action of actions) checkOperand(action);
  for (const action of actions) if (action.value) checkFunctions(action.value);
  return actions;
}

function callsIn(operand: RawOperand): { name: string; args: readonly RawOperand[] }[] {
  if (operand.kind === 'call') return [operand, ...operand.args.flatMap(callsIn)];
  if (operand.kind === 'arithmetic') return [...callsIn(operand.left), ...callsIn(operand.right)];
  return [];
}

const TYPE_NAMES: Record<string, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
  L: 'LIST',
  M: 'MAP',
};
const SETS = ['SS', 'NS', 'BS'];

/** ADD takes a number or a set; DELETE takes a set (developer guide, "ADD" and "DELETE"). */
function checkOperand(action: UpdateAction): void {
  if (!action.operand) return;
  const type = typeOf(action.operand);
  if (SETS.includes(type) || (action.clause === 'ADD' && type === 'N')) return;
  fail(
    `Incorrect operand type for operator or function; operator: ${action.clause}, operand type: ${TYPE_NAMES[type] ?? type}`,
  );
}

function checkFunctions(operand: Operand): void {
  if (operand.kind === 'arithmetic') {
    for (const side of [operand.left, operand.right]) {
      checkFunctions(side);
      if (side.kind === 'value' && typeOf(side.value) !== 'N') wrongType(operand.operator, side);
    }
  }
  if (operand.kind !== 'call') return;
  operand.args.forEach(checkFunctions);
  if (operand.args.length !== 2) {
    fail(
      `Incorrect number of operands for operator or function; operator or function: ${operand.name}, number of operands: ${operand.args.length}`,
    );
  }
  if (operand.name === 'if_not_exists' && operand.args[0].kind !== 'path') {
    fail(`Operator or function requires a document path; operator or function: if_not_exists`);
  }
  if (operand.name === 'list_append') {
    for (const arg of operand.args)
      if (arg.kind === 'value' && typeOf(arg.value) !== 'L') wrongType('list_append', arg);
  }
}

function wrongType(operator: string, operand: { value: AttributeValue }): never {
  fail(
    `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${typeOf(operand.value)}`,
  );
}

function fail(message: string): never {
  throw new DynamoDbValidationError(`Invalid ${WHAT}: ${message}`);
}

/** The type of a value: its one key in DynamoDB JSON. */
export function typeOf(value: AttributeValue): string {
  return Object.keys(value).find((k) => (value as Record<string, unknown>)[k] !== undefined) ?? '';
}

const NOT_FOUND = 'The provided expression refers to an attribute that does not exist in the item';
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';
const BAD_PATH = 'The document path provided in the update expression is invalid for update';

/** What an action writes at its path: a value, a removal, or nothing. */
type Write = AttributeValue | 'remove' | 'nothing';

/**
 * `before` changed by `actions`. Every action is evaluated against the item as
 * it was before the update, not one after another (developer guide, note under
 * the syntax summary), so a list keeps its positions until all actions ran:
 * removed elements then close up and elements set past the end are appended
 * in index order (developer guide, "Adding elements to a list").
 */
export function applyUpdate(actions: readonly UpdateAction[], before: Item): Item {
  const writes = actions.map((action) => [action, writeOf(action, before)] as const);
  const item = structuredClone(before);
  const lists = new Set<(AttributeValue | undefined)[]>();
  for (const [action, write] of writes) writeAt(item, action.path, write, lists);
  for (const list of lists) list.splice(0, list.length, ...list.filter((v) => v !== undefined));
  return item;
}

function writeOf(action: UpdateAction, before: Item): Write {
  if (action.clause === 'SET') return evaluate(action.value!, before);
  if (action.clause === 'REMOVE') return 'remove';
  const operand = action.operand!;
  const type = typeOf(operand);
  const existing = valueAt(before, action.path);
  if (existing && typeOf(existing) !== type) throw new DynamoDbValidationError(WRONG_TYPE);
  if (action.clause === 'ADD') {
    // ADD to a missing number starts from 0 (API reference, AttributeUpdates).
    if (type === 'N') return { N: addNumbers(existing?.N ?? '0', operand.N!) };
    return { [type]: union(type, existing ? setOf(existing) : [], setOf(operand)) };
  }
  if (!existing) return 'nothing';
  const drop = new Set(setOf(operand).map((v) => elementKey(type, v)));
  const rest = setOf(existing).filter((v) => !drop.has(elementKey(type, v)));
  // A set cannot be empty, so taking every element away removes the attribute.
  return rest.length ? { [type]: rest } : 'remove';
}

function evaluate(operand: Operand, item: Item): AttributeValue {
  switch (operand.kind) {
    case 'value':
      return structuredClone(operand.value);
    case 'path': {
      const value = valueAt(item, operand.path);
      if (value === undefined) throw new DynamoDbValidationError(NOT_FOUND);
      return structuredClone(value);
    }
    case 'arithmetic': {
      const [left, right] = [evaluate(operand.left, item), evaluate(operand.right, item)];
      if (left.N === undefined || right.N === undefined)
        throw new DynamoDbValidationError(WRONG_TYPE);
      return { N: addNumbers(left.N, right.N, operand.operator === '-' ? -1 : 1) };
    }
    case 'call': {
      const [first, second] = operand.args;
      if (operand.name === 'if_not_exists') {
        const existing = valueAt(item, (first as { path: DocumentPath }).path);
        return existing ? structuredClone(existing) : evaluate(second, item);
      }
      const [head, tail] = [evaluate(first, item), evaluate(second, item)];
      if (!head.L || !tail.L) throw new DynamoDbValidationError(WRONG_TYPE);
      return { L: [...head.L, ...tail.L] };
    }
  }
}

function writeAt(
  item: Item,
  path: DocumentPath,
  write: Write,
  lists: Set<(AttributeValue | undefined)[]>,
): void {
  let parent: AttributeValue | undefined = { M: item };
  for (const element of path.slice(0, -1)) {
    parent = typeof element === 'number' ? parent?.L?.[element] : parent?.M?.[element];
  }
  const last = path[path.length - 1];
  const container: (AttributeValue | undefined)[] | Record<string, AttributeValue> | undefined =
    typeof last === 'number' ? parent?.L : parent?.M;
  if (!container) throw new DynamoDbValidationError(BAD_PATH);
  if (write === 'nothing') return;
  if (Array.isArray(container)) {
    lists.add(container);
    if (write !== 'remove') container[last as number] = write;
    else if ((last as number) < container.length) container[last as number] = undefined;
  } else if (write === 'remove') {
    delete container[last];
  } else {
    container[last] = write;
  }
}

function setOf(value: AttributeValue): (string | Uint8Array)[] {
  return value.SS ?? value.NS ?? value.BS ?? [];
}

/** The elements of `a` and those of `b` that `a` lacks, in that order. */
function union(
  type: string,
  a: (string | Uint8Array)[],
  b: (string | Uint8Array)[],
): (string | Uint8Array)[] {
  const keys = new Set(a.map((v) => elementKey(type, v)));
  const added = b.filter((v) => {
    const key = elementKey(type, v);
    return !keys.has(key) && keys.add(key);
  });
  return [...a, ...added];
}

/** Set elements are equal by value: numbers as numbers, binaries by their bytes. */
function elementKey(type: string, value: string | Uint8Array): string {
  if (type === 'NS') return addNumbers(value as string, '0');
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}
