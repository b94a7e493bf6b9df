import { RecordedEvent } from '../../lib/runtime';

/**
 * Where an event's `data` holds envelope metadata (another event's
 * `metadata`, or an object shaped like it): `<source> <detail-type>
 * data.<path>`. An event carries its publisher's business data; the metadata
 * of the events it answers stays in their own envelopes.
 */
export function foreignMetadata(events: RecordedEvent[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string, event: RecordedEvent): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, event));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (looksLikeMetadata(record)) {
      found.push(`${event.source} ${event.detailType} ${path}`);
      return;
    }
    for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`, event);
  };
  for (const event of events) walk(event.detail?.data, 'data', event);
  return found;
}

/** The fields of the envelope's metadata that name who published an event. */
function looksLikeMetadata(record: Record<string, unknown>): boolean {
  return 'correlationId' in record && ('eventId' in record || 'executionArn' in record);
}
