/**
 * Activities of the feedback (PAKN) workflow: the unit and its working-day calendar (workflows
 * cannot read files), and event publication. Registered with the dossier activities on the
 * dossier queue (createDossierActivities spreads them in, after the event stream exists).
 */
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplicationFailure } from '@temporalio/common';
import type { CalendarData } from '../domain/calendar.js';
import { type DetailKeys, sealDetails } from '../events/event-details.js';
import { type FeedbackEvent, feedbackEventSchema } from '../events/feedback-event-schema.js';
import { eventStreamName } from '../events/stream.js';
import { feedbackEventSubject } from '../events/subjects.js';
import { loadCalendarChain } from '../rules/calendar-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { validEventOrFail } from './event-validation.js';

export interface FeedbackActivityDependencies {
  nc: NatsConnection;
  /** The feedback's data key seals the events' details (events/event-details.ts). */
  dataKeys: DetailKeys;
  /** Name of the organisation registry under data/organisations. */
  organisation: string;
}

export interface FeedbackRulesRequest {
  unit: string;
}

export interface FeedbackRules {
  unit: { code: string; name: string; jurisdiction: string };
  /** The unit's calendar chain, most general first (national, then province…). */
  calendars: CalendarData[];
}

export function createFeedbackActivities(deps: FeedbackActivityDependencies) {
  const js = jetstream(deps.nc);
  const organisation = loadOrganisation(deps.organisation);

  return {
    /** The unit that receives or is forwarded a feedback, and the calendar its limits count on. */
    async loadFeedbackRules(request: FeedbackRulesRequest): Promise<FeedbackRules> {
      if (!organisation.has(request.unit)) {
        throw ApplicationFailure.nonRetryable(`Không có đơn vị mã "${request.unit}"`, 'UNKNOWN_UNIT');
      }
      const unit = organisation.get(request.unit);
      const jurisdiction = unit.jurisdiction ?? 'VN';
      return {
        unit: { code: unit.code, name: unit.name, jurisdiction },
        calendars: loadCalendarChain(jurisdiction),
      };
    },

    /** Validates and publishes each event once: the message id `<feedback id>:<seq>` deduplicates retries. */
    async publishFeedbackEvents(events: FeedbackEvent[]): Promise<number[]> {
      const sequences: number[] = [];
      for (const candidate of events) {
        const event = validEventOrFail(feedbackEventSchema, candidate);
        const published = await sealDetails(event, event.feedbackId, deps.dataKeys);
        const ack = await js.publish(feedbackEventSubject(event), JSON.stringify(published), {
          msgID: event.id,
          expect: { streamName: eventStreamName },
        });
        sequences.push(ack.seq);
      }
      return sequences;
    },
  };
}

export type FeedbackActivities = ReturnType<typeof createFeedbackActivities>;
