/**
 * The parts of DynamoDB's expression language that the local table's update and
 * projection expressions share: tokens, document paths, expression attribute
 * names and values, projection, and decimal numbers.
 *
 * Hand-written, as a small recursive-descent parser: no well-kept library
 * parses DynamoDB expressions on its own. dynalite has PEG parsers for them,
 * but as internals of a DynamoDB server that needs LevelDB, with no API of
 * their own; the other packages only build expression strings.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Attributes.html
 */
import { isReservedWord } from './dynamodb-reserved-words';

/** A DynamoDB attribute value, in DynamoDB JSON. */
export interface AttributeValue {
  S?: string;
  N?: string;
  B?: Uint8Array | string;
  SS?: string[];
  NS?: string[];
  BS?: (Uint8Array | string)[];
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
}

/** An item: attribute names to values. */
export type Item = Record<string, AttributeValue>;

/** One step of a document path: an attribute or map key, or a list index. */
export type PathElement = string | number;

/** A document path such as `ProductReviews.FiveStar[1]`, with its names resolved. */
export type DocumentPath = readonly PathElement[];

/**
 * Thrown like DynamoDB for a request it rejects: the AWS SDK throws an error
 * named `ValidationException` with DynamoDB's message. The messages, which
 * DynamoDB's documentation does not list, are DynamoDB's own as dynalite's
 * test suite (written against DynamoDB) records them.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 */
export class DynamoDbValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

/** A token of an expression, with where it stands in the source. */
export interface Token {
  readonly kind: 'identifier' | 'name' | 'value' | 'number' | 'punctuation' | 'eof';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// Names, placeholders and list indexes; `#name` and `:value` take letters and digits after
// their sign (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html).
const TOKEN =
  /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|(\d+)|([=+\-,()[\].]))/y;
const KINDS = ['identifier', 'name', 'value', 'number', 'punctuation'] as const;

/** Splits `source` into tokens; an unknown character is a syntax error of `what`. */
export function tokenize(source: string, what: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (source.slice(TOKEN.lastIndex).trim() !== '') {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) {
      const start = at + (source.slice(at).length - source.slice(at).trimStart().length);
      const bad = { kind: 'punctuation' as const, text: source[start], start, end: start + 1 };
      throw syntaxError(source, what, [...tokens, bad], tokens.length);
    }
    const group = match.slice(1).findIndex((g) => g !== undefined);
    const text = match[group + 1];
    tokens.push({
      kind: KINDS[group],
      text,
      start: TOKEN.lastIndex - text.length,
      end: TOKEN.lastIndex,
    });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: source.length, end: source.length });
  return tokens;
}

/**
 * DynamoDB's syntax error, naming the bad token and (an approximation of
 * DynamoDB's `near`) the tokens on either side of it.
 */
export function syntaxError(
  source: string,
  what: string,
  tokens: readonly Token[],
  at: number,
): DynamoDbValidationError {
  const token = tokens[at];
  const from = tokens[Math.max(0, at - 1)].start;
  const to = tokens[Math.min(tokens.length - 1, at + 1)].end;
  return new DynamoDbValidationError(
    `Invalid ${what}: Syntax error; token: "${token.text}", near: "${source.slice(from, to)}"`,
  );
}

/** One step of a path as written: a name, a `#name` placeholder or an index. */
export type RawPathElement =
  | { readonly kind: 'attribute'; readonly name: string }
  | { readonly kind: 'placeholder'; readonly ref: string }
  | { readonly kind: 'index'; readonly index: number };

/** A cursor over tokens, with the rules every expression shares. */
export class TokenReader {
  private at = 0;
  /** The first reserved word used as a name; reported once the expression parsed. */
  private reserved?: string;

  constructor(
    private readonly source: string,
    private readonly what: string,
    private readonly tokens: readonly Token[],
    /** Words that cannot start a path (the clause keywords of update expressions). */
    private readonly keywords: ReadonlySet<string> = new Set(),
  ) {}

  public peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)];
  }

  public next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.at++;
    return token;
  }

  /** Consumes `text` if it comes next. */
  public accept(text: string): boolean {
    if (this.peek().kind === 'eof' || this.peek().text !== text) return false;
    this.at++;
    return true;
  }

  public expect(text: string): void {
    if (!this.accept(text)) throw this.fail();
  }

  /** A syntax error at the next token, or `offset` tokens from it. */
  public fail(): DynamoDbValidationError {
    return this.failAt(0);
  }

  public failAt(offset: number): DynamoDbValidationError {
    return syntaxError(this.source, this.what, this.tokens, this.at + offset);
  }

  public atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  public isKeyword(token: Token): boolean {
    return token.kind === 'identifier' && this.keywords.has(token.text.toUpperCase());
  }

  /** `path ::= name ( '.' name | '[' digits ']' )*`, where a name may be a `#name`. */
  public path(): RawPathElement[] {
    const elements = [this.pathName()];
    for (;;) {
      if (this.accept('.')) {
        elements.push(this.pathName());
      } else if (this.accept('[')) {
        const index = this.next();
        if (index.kind !== 'number') {
          this.at--;
          throw this.fail();
        }
        elements.push({ kind: 'index', index: Number(index.text) });
        this.expect(']');
      } else {
        return elements;
      }
    }
  }

  private pathName(): RawPathElement {
    const token = this.peek();
    if (token.kind === 'name') {
      this.at++;
      return { kind: 'placeholder', ref: token.text };
    }
    if (token.kind !== 'identifier' || this.isKeyword(token)) throw this.fail();
    this.at++;
    if (this.reserved === undefined && isReservedWord(token.text)) this.reserved = token.text;
    return { kind: 'attribute', name: token.text };
  }

  /** Fails when a path named an attribute by a reserved word rather than a `#name`. */
  public checkReserved(): void {
    if (this.reserved === undefined) return;
    throw new DynamoDbValidationError(
      `Invalid ${this.what}: Attribute name is a reserved keyword; reserved keyword: ${this.reserved}`,
    );
  }
}

/**
 * ExpressionAttributeNames and ExpressionAttributeValues of one request, and
 * which of them its expressions used: DynamoDB rejects a placeholder that is
 * not defined, and a definition that no expression uses.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 */
export class Substitutions {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    private readonly names: Record<string, string> = {},
    private readonly values: Record<string, AttributeValue> = {},
  ) {}

  /** The attribute name `ref` stands for, or undefined when it is not defined. */
  public name(ref: string): string | undefined {
    if (!Object.hasOwn(this.names, ref)) return undefined;
    this.usedNames.add(ref);
    return this.names[ref];
  }

  /** The value `ref` stands for, or undefined when it is not defined. */
  public value(ref: string): AttributeValue | undefined {
    if (!Object.hasOwn(this.values, ref)) return undefined;
    this.usedValues.add(ref);
    return this.values[ref];
  }

  /**
   * Marks the placeholders of an expression that another evaluator runs (the
   * condition expression), failing on one that is not defined.
   */
  public useIn(expression: string | undefined, what: string): void {
    if (!expression) return;
    for (const [ref] of expression.matchAll(/#[A-Za-z0-9_]+/g)) {
      if (this.name(ref) === undefined) throw undefinedName(what, ref);
    }
    for (const [ref] of expression.matchAll(/:[A-Za-z0-9_]+/g)) {
      if (this.value(ref) === undefined) throw undefinedValue(what, ref);
    }
  }

  /** Fails as DynamoDB does when a name or value was defined but never used. */
  public checkAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((ref) => !this.usedNames.has(ref));
    if (unusedNames.length) {
      throw new DynamoDbValidationError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = Object.keys(this.values).filter((ref) => !this.usedValues.has(ref));
    if (unusedValues.length) {
      throw new DynamoDbValidationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}

export function undefinedName(what: string, ref: string): DynamoDbValidationError {
  return new DynamoDbValidationError(
    `Invalid ${what}: An expression attribute name used in the document path is not defined; attribute name: ${ref}`,
  );
}

export function undefinedValue(what: string, ref: string): DynamoDbValidationError {
  return new DynamoDbValidationError(
    `Invalid ${what}: An expression attribute value used in expression is not defined; attribute value: ${ref}`,
  );
}

/** A path as DynamoDB prints it in messages: `[ProductReviews, FiveStar, [1]]`. */
export function pathText(path: DocumentPath): string {
  return `[${path.map((e) => (typeof e === 'number' ? `[${e}]` : e)).join(', ')}]`;
}

/**
 * The first problem DynamoDB finds between the paths of one expression: one
 * path inside another (or the same twice), or one step used as both a list
 * index and a map key.
 */
export function overlapProblem(paths: readonly DocumentPath[], what: string): string | undefined {
  for (let j = 1; j < paths.length; j++) {
    for (let i = 0; i < j; i++) {
      const [one, two] = [paths[i], paths[j]];
      const shared = Math.min(one.length, two.length);
      let k = 0;
      while (k < shared && one[k] === two[k]) k++;
      const both = `must remove or rewrite one of these paths; path one: ${pathText(one)}, path two: ${pathText(two)}`;
      if (k === shared)
        return `Invalid ${what}: Two document paths overlap with each other; ${both}`;
      if (typeof one[k] !== typeof two[k])
        return `Invalid ${what}: Two document paths conflict with each other; ${both}`;
    }
  }
  return undefined;
}

/** The value at `path` in `item`, or undefined. */
export function valueAt(item: Item, path: DocumentPath): AttributeValue | undefined {
  let value: AttributeValue | undefined = item[path[0] as string];
  for (const element of path.slice(1)) {
    value = typeof element === 'number' ? value?.L?.[element] : value?.M?.[element];
  }
  return value;
}

/**
 * The parts of `item` at `paths`, nested as in the item; list elements keep
 * their order and close up, as DynamoDB returns them.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */
export function project(item: Item, paths: readonly DocumentPath[]): Item {
  const root: AttributeValue = { M: {} };
  const lists: (AttributeValue | undefined)[][] = [];
  for (const path of paths) {
    const value = valueAt(item, path);
    if (value === undefined) continue;
    let container = root;
    path.forEach((element, k) => {
      const last = k === path.length - 1;
      if (typeof element === 'number') {
        if (!container.L) lists.push((container.L = []));
        container = container.L[element] ??= last ? structuredClone(value) : {};
      } else {
        container.M ??= {};
        container = container.M[element] ??= last ? structuredClone(value) : {};
      }
    });
  }
  for (const list of lists) list.splice(0, list.length, ...list.filter((v) => v !== undefined));
  return root.M!;
}

/**
 * Parses a ProjectionExpression: document paths separated by commas.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */
export function parseProjection(source: string, substitutions: Substitutions): DocumentPath[] {
  const what = 'ProjectionExpression';
  if (source.trim() === '')
    throw new DynamoDbValidationError(`Invalid ${what}: The expression can not be empty;`);
  const reader = new TokenReader(source, what, tokenize(source, what));
  const raw = [reader.path()];
  while (reader.accept(',')) raw.push(reader.path());
  if (!reader.atEnd()) throw reader.fail();
  reader.checkReserved();
  const paths = raw.map((path) => resolvePath(path, substitutions, what));
  const problem = overlapProblem(paths, what);
  if (problem) throw new DynamoDbValidationError(problem);
  return paths;
}

/** A path with its `#name` placeholders replaced; fails on one that is not defined. */
export function resolvePath(
  path: readonly RawPathElement[],
  substitutions: Substitutions,
  what: string,
): DocumentPath {
  return path.map((element) => {
    if (element.kind === 'index') return element.index;
    if (element.kind === 'attribute') return element.name;
    const name = substitutions.name(element.ref);
    if (name === undefined) throw undefinedName(what, element.ref);
    return name;
  });
}

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

function decimal(text: string): { digits: bigint; exponent: number } {
  const match = DECIMAL.exec(text);
  const fraction = match?.[3] ?? '';
  if (!match || match[2] + fraction === '')
    throw new DynamoDbValidationError(`A value provided cannot be converted into a number`);
  return {
    digits: BigInt(`${match[1] === '-' ? '-' : ''}${match[2]}${fraction}`),
    exponent: Number(match[4] ?? 0) - fraction.length,
  };
}

/**
 * `a + b` (or `a - b`) of two DynamoDB numbers, exactly: DynamoDB numbers are
 * decimals of up to 38 digits, which a JavaScript number would round.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 */
export function addNumbers(a: string, b: string, sign: 1 | -1 = 1): string {
  const x = decimal(a);
  const y = decimal(b);
  let exponent = Math.min(x.exponent, y.exponent);
  const sum =
    x.digits * 10n ** BigInt(x.exponent - exponent) +
    BigInt(sign) * y.digits * 10n ** BigInt(y.exponent - exponent);
  if (sum === 0n) return '0';
  let digits = (sum < 0n ? -sum : sum).toString();
  while (exponent < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent++;
  }
  const point = digits.length + exponent;
  const text =
    exponent >= 0
      ? digits + '0'.repeat(exponent)
      : point > 0
        ? `${digits.slice(0, point)}.${digits.slice(point)}`
        : `0.${'0'.repeat(-point)}${digits}`;
  return sum < 0n ? `-${text}` : text;
}
