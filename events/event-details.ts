/**
 * An event's details (`data`: the reasons and notes officials typed, supplement items, an
 * official's name…) travel sealed with the data key of the dossier or feedback (`sealedData`):
 * whatever a person typed can name a citizen, and nothing personal is in plaintext on NATS. The
 * facts, which the indicators count, stay readable. A service that needs the details (the portal
 * sync, say) opens them with the data keys; after the subject's erasure nobody can.
 */
export interface DetailKeys {
  seal(subject: string, plaintext: Uint8Array, context: string): Promise<Uint8Array>;
  open(subject: string, sealed: Uint8Array, context: string): Promise<Uint8Array>;
}

interface EventWithDetails {
  id: string;
  data: Record<string, unknown>;
  sealedData?: string;
}

/** The event as published: empty `data`, the details sealed under the subject's key (bound to the event id). */
export async function sealDetails<E extends EventWithDetails>(
  event: E,
  subject: string,
  keys: DetailKeys,
): Promise<E> {
  if (Object.keys(event.data).length === 0) return event;
  const plaintext = new TextEncoder().encode(JSON.stringify(event.data));
  const sealed = await keys.seal(subject, plaintext, detailsContext(event.id));
  return { ...event, data: {}, sealedData: Buffer.from(sealed).toString('base64') };
}

/** The details of a published event (older events carry them in plaintext `data`). */
export async function openDetails(
  event: EventWithDetails,
  subject: string,
  keys: DetailKeys,
): Promise<Record<string, unknown>> {
  if (event.sealedData === undefined) return event.data;
  const plaintext = await keys.open(
    subject,
    Buffer.from(event.sealedData, 'base64'),
    detailsContext(event.id),
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
}

function detailsContext(eventId: string): string {
  return `event-details\n${eventId}`;
}
