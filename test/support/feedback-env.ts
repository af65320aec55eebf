/** Feedback (PAKN) helpers on top of the dossier test system: the client and the published events. */
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { FeedbackClient } from '../../client/feedback-client.js';
import { openDetails } from '../../events/event-details.js';
import type { FeedbackEvent } from '../../events/feedback-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { feedbackEventsFilter } from '../../events/subjects.js';
import type { DossierTestSystem } from './dossier-env.js';

export interface PublishedFeedbackEvent {
  subject: string;
  /** The JetStream message id (Nats-Msg-Id header). */
  msgId: string | undefined;
  /** The event with its details opened (they travel sealed: `sealedData`, `data` empty). */
  event: FeedbackEvent;
  /** The event as it is on the stream. */
  published: FeedbackEvent;
}

export function feedbackClient(system: DossierTestSystem): Promise<FeedbackClient> {
  return FeedbackClient.open(system.temporal, system.nc);
}

/** Every message on `tthc.feedback.>` for one feedback, in stream order, with subject and message id. */
export async function feedbackEvents(
  system: Pick<DossierTestSystem, 'nc' | 'protection'>,
  feedbackId: string,
): Promise<PublishedFeedbackEvent[]> {
  const { nc } = system;
  const js = jetstream(nc);
  const consumer = await js.consumers.get(eventStreamName, {
    deliver_policy: DeliverPolicy.All,
    filter_subjects: feedbackEventsFilter,
  });
  const found: PublishedFeedbackEvent[] = [];
  const messages = await consumer.fetch({ max_messages: 100_000, expires: 2_000 });
  for await (const message of messages) {
    const published = message.json<FeedbackEvent>();
    if (published.feedbackId === feedbackId) {
      const data = await openDetails(published, feedbackId, system.protection.dataKeys);
      const event = { ...published, data };
      found.push({ subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id'), event, published });
    }
    if (message.info.pending === 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return found;
}
