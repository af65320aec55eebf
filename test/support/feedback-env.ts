/** Feedback (PAKN) helpers on top of the dossier test system: the client and the published events. */
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { FeedbackClient } from '../../client/feedback-client.js';
import type { FeedbackEvent } from '../../events/feedback-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { feedbackEventsFilter } from '../../events/subjects.js';
import type { DossierTestSystem } from './dossier-env.js';

export interface PublishedFeedbackEvent {
  subject: string;
  /** The JetStream message id (Nats-Msg-Id header). */
  msgId: string | undefined;
  event: FeedbackEvent;
}

export function feedbackClient(system: DossierTestSystem): Promise<FeedbackClient> {
  return FeedbackClient.open(system.temporal, system.nc);
}

/** Every message on `tthc.feedback.>` for one feedback, in stream order, with subject and message id. */
export async function feedbackEvents(
  nc: NatsConnection,
  feedbackId: string,
): Promise<PublishedFeedbackEvent[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(eventStreamName, {
    deliver_policy: DeliverPolicy.All,
    filter_subjects: feedbackEventsFilter,
  });
  const found: PublishedFeedbackEvent[] = [];
  const messages = await consumer.fetch({ max_messages: 100_000, expires: 2_000 });
  for await (const message of messages) {
    const event = message.json<FeedbackEvent>();
    if (event.feedbackId === feedbackId) {
      found.push({ subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id'), event });
    }
    if (message.info.pending === 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return found;
}
