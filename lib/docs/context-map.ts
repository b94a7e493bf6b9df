import { ContextContract } from '../events/contract';

/**
 * The context map of an app as a Mermaid flowchart: the bounded contexts as
 * nodes, the events between them as edges from publisher to consumer, solid
 * for a subscription (the event starts the consumer's workflow), dashed for
 * an await (the event resumes a waiting execution).
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
export function contextMapMermaid(contracts: readonly ContextContract[]): string {
  const bySource = new Map(contracts.map((c) => [c.source, c]));
  const lines = ['flowchart LR'];
  for (const context of contracts) lines.push(`  ${nodeId(context)}["${context.contextName}"]`);
  const edges = new Set<string>();
  for (const consumer of contracts) {
    for (const s of consumer.subscribes) {
      const publisher = bySource.get(s.source);
      const label = s.filter ? `${s.event} (filtered)` : s.event;
      if (publisher) edges.add(`  ${nodeId(publisher)} -->|${label}| ${nodeId(consumer)}`);
    }
    for (const a of consumer.awaits) {
      for (const e of a.events) {
        const publisher = bySource.get(e.source);
        if (publisher) edges.add(`  ${nodeId(publisher)} -.->|${e.event}| ${nodeId(consumer)}`);
      }
    }
  }
  return [...lines, ...edges].join('\n') + '\n';
}

/** The source, not the context name: two apps of one assembly may both have `orders`. */
function nodeId(context: ContextContract): string {
  return context.source.replace(/[^A-Za-z0-9]/g, '_');
}
