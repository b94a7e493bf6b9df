import { ContextContract } from '../events/contract';

/** The Markdown page of one context: its events with their schemas, its subscriptions and awaits. */
export function contextPage(context: ContextContract): string {
  const out: string[] = [
    `# ${context.contextName}`,
    '',
    `Events are published with source \`${context.source}\`.`,
    '',
  ];
  out.push('## Events it publishes', '');
  for (const event of context.events) {
    const published = context.publishes.includes(event.name) ? '' : ' (declared, not published)';
    out.push(`### ${event.name}${published}`, '');
    if (event.dataSchema) {
      out.push(
        '`detail.data`:',
        '',
        '```json',
        JSON.stringify(event.dataSchema, null, 2),
        '```',
        '',
      );
    } else {
      out.push('Declared by name only: its data is not described.', '');
    }
  }
  const lifecycle = context.publishes.filter((n) => !context.events.some((e) => e.name === n));
  if (lifecycle.length > 0) out.push(`Lifecycle events: ${lifecycle.join(', ')}.`, '');
  out.push('## Subscriptions', '');
  if (context.subscribes.length === 0) out.push('None: its workflow is started directly.', '');
  for (const s of context.subscribes) {
    const filter = s.filter ? `, filtered by \`${JSON.stringify(s.filter)}\`` : '';
    out.push(`- \`${s.source}\` ${s.event}${filter}`);
  }
  if (context.subscribes.length > 0) out.push('');
  out.push('## Awaits', '');
  if (context.awaits.length === 0) out.push('None.', '');
  for (const a of context.awaits) {
    const events = a.events.map((e) => `\`${e.source}\` ${e.event}`).join(' or ');
    out.push(`- ${a.name}: waits for ${events}, correlated by \`${a.correlateBy}\``);
  }
  if (context.awaits.length > 0) out.push('');
  return out.join('\n');
}
