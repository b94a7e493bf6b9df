import {
  AWS_METRICS,
  DIMENSION_REFERENCES,
  LITERAL_MUST_NAME,
  NamespaceTable,
  metricFilterMetrics,
} from './aws-metric-dimensions';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** A metric read by an alarm or drawn by a dashboard, as the template asks for it. */
export interface MetricUse {
  /** Where it is asked for, to name it in a problem. */
  readonly where: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value as written in the template (a string or an intrinsic). */
  readonly dimensions: Record<string, unknown>;
}

/** Every metric of every `AWS::CloudWatch::Alarm` (single metric or math) of the template. */
export function alarmMetrics(resources: Resources): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = r.Properties ?? {};
    if (p.MetricName) uses.push(fromAlarmMetric(`alarm ${id}`, p));
    for (const q of (p.Metrics ?? []) as any[]) {
      if (q.MetricStat) uses.push(fromAlarmMetric(`alarm ${id} (${q.Id})`, q.MetricStat.Metric));
    }
  }
  return uses;
}

function fromAlarmMetric(where: string, m: Record<string, any>): MetricUse {
  const dimensions = Object.fromEntries(
    ((m.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]),
  );
  return { where, namespace: m.Namespace, metricName: m.MetricName, dimensions };
}

const PLACEHOLDER = /^@@ref(\d+)@@$/;

/**
 * Every metric drawn by every `AWS::CloudWatch::Dashboard` of the template.
 *
 * The body is an `Fn::Join` of JSON text and references: each reference is
 * replaced by a placeholder string, the text parsed, and the placeholders put
 * back where a dimension value is exactly one of them. In a `metrics` row,
 * `[namespace, name, dimName1, dimValue1, ..., {options}]`; a row that starts
 * with an object is a math expression and reads no metric itself.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export function dashboardMetrics(resources: Resources): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
    const { text, references } = joinWithPlaceholders(r.Properties!.DashboardBody);
    const body = JSON.parse(text) as { widgets: { properties?: Record<string, any> }[] };
    body.widgets.forEach((widget, w) => {
      const rows = (widget.properties?.metrics ?? []) as unknown[][];
      rows.forEach((row, i) => {
        if (typeof row[0] !== 'string') return;
        const where = `dashboard ${id} widget "${widget.properties?.title ?? w}" metric ${i}`;
        uses.push(fromDashboardRow(where, row, references));
      });
    });
  }
  return uses;
}

function joinWithPlaceholders(body: unknown): { text: string; references: unknown[] } {
  if (typeof body === 'string') return { text: body, references: [] };
  const [separator, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const references: unknown[] = [];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      references.push(part);
      return `@@ref${references.length - 1}@@`;
    })
    .join(separator);
  return { text, references };
}

function fromDashboardRow(where: string, row: unknown[], references: unknown[]): MetricUse {
  const cells = typeof row[row.length - 1] === 'object' ? row.slice(0, -1) : row;
  if (cells.includes('.')) {
    throw new Error(`${where}: the '.' shorthand of a metrics row is not read by this check`);
  }
  const [namespace, metricName, ...pairs] = cells as string[];
  const dimensions: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const placeholder = PLACEHOLDER.exec(pairs[i + 1]);
    dimensions[pairs[i]] = placeholder ? references[Number(placeholder[1])] : pairs[i + 1];
  }
  return { where, namespace, metricName, dimensions };
}

/**
 * The problems of one metric against AWS's tables (and the template's own
 * metric filters): a namespace or metric nobody documents, a set of dimension
 * names AWS does not publish, a dimension value that is not the published name.
 */
export function metricProblems(
  use: MetricUse,
  resources: Resources,
  tables: Record<string, NamespaceTable>,
): string[] {
  const at = `${use.where}: ${use.namespace} ${use.metricName}`;
  const table = tables[use.namespace];
  if (!table) return [`${at}: namespace not in the table (add it from AWS's page)`];
  const sets = table.metrics[use.metricName];
  if (!sets) return [`${at}: metric not in the table of ${table.url}`];
  const names = Object.keys(use.dimensions).sort();
  const problems: string[] = [];
  if (!sets.some((set) => [...set].sort().join() === names.join())) {
    const documented = sets.map((s) => `[${s.join(', ')}]`).join(' or ');
    problems.push(`${at}: dimensions [${names.join(', ')}], published with ${documented}`);
  }
  for (const [name, value] of Object.entries(use.dimensions)) {
    const problem = valueProblem(name, value, resources);
    if (problem) problems.push(`${at}: ${name} ${problem}`);
  }
  const bus = busProblem(use, resources);
  if (bus) problems.push(`${at}: ${bus}`);
  return problems;
}

/** Why `value` does not hold the name AWS publishes for dimension `name`, if it does not. */
function valueProblem(name: string, value: unknown, resources: Resources): string | undefined {
  if (typeof value === 'string') {
    const named = LITERAL_MUST_NAME[name];
    if (!named) return undefined;
    const found = Object.values(resources).some(
      (r) => r.Type === named.type && r.Properties?.[named.property] === value,
    );
    return found ? undefined : `'${value}' is the ${named.property} of no ${named.type}`;
  }
  const ref = referenceOf(value);
  const forms = DIMENSION_REFERENCES[name] ?? [];
  if (ref) {
    const type = resources[ref.logicalId]?.Type;
    if (forms.some((f) => f.type === type && f.attribute === ref.attribute)) return undefined;
    return `is ${ref.attribute ? `GetAtt ${ref.attribute}` : 'Ref'} of ${type} ${ref.logicalId}, not the name AWS publishes`;
  }
  return `is ${JSON.stringify(value)}, not a documented reference`;
}

function referenceOf(value: unknown): { logicalId: string; attribute?: string } | undefined {
  const v = value as Record<string, any>;
  if (typeof v?.Ref === 'string') return { logicalId: v.Ref };
  const getAtt = v?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return { logicalId: getAtt[0], attribute: getAtt[1] };
  return undefined;
}

/**
 * A rule metric must name the rule's own bus: `EventBusName` with `RuleName`
 * for a rule of a custom bus, `RuleName` alone for the default bus.
 */
function busProblem(use: MetricUse, resources: Resources): string | undefined {
  const ruleName = use.dimensions.RuleName;
  if (typeof ruleName !== 'string') return undefined;
  const rule = Object.values(resources).find(
    (r) => r.Type === 'AWS::Events::Rule' && r.Properties?.Name === ruleName,
  );
  if (!rule) return undefined;
  const ruleBus = referenceOf(rule.Properties?.EventBusName)?.logicalId;
  const metricBus = referenceOf(use.dimensions.EventBusName)?.logicalId;
  if (ruleBus === metricBus) return undefined;
  return `rule '${ruleName}' is on bus ${ruleBus ?? 'default'}, the metric names bus ${metricBus ?? 'default'}`;
}

/** Every metric of the template's alarms and dashboards, each with its problems. */
export function metricContract(template: { Resources: Resources }): {
  alarms: MetricUse[];
  widgets: MetricUse[];
  problems: string[];
} {
  const tables = { ...AWS_METRICS, ...metricFilterMetrics(template) };
  const alarms = alarmMetrics(template.Resources);
  const widgets = dashboardMetrics(template.Resources);
  const problems = [...alarms, ...widgets].flatMap((use) =>
    metricProblems(use, template.Resources, tables),
  );
  return { alarms, widgets, problems };
}
