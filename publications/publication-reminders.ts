/**
 * Reminders to the officials in charge of procedure control before the deadlines of indicators
 * 1.1 (issue the QĐCB) and 1.2 (make it public on CSDLQG): a check lists what falls due within N
 * working days (domain/publication-deadlines.ts) and publishes one reminder per item on the
 * JetStream stream TTHC_REMINDERS, subject `tthc.remind.<issuer>.publication`, addressed to the
 * issuer's officials, for the console or a notifier to deliver. Each item is reminded once while
 * it is due and once more when it is overdue: the store marks what was sent (KV create, so two
 * checks running at once send it once).
 */
import { createHash } from 'node:crypto';
import { jetstream, jetstreamManager, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { type PublicationDue, publicationsDue } from '../domain/publication-deadlines.js';
import { type CivilDate, formatInstant, formatVietnameseDate, toCivilDate } from '../domain/time.js';
import { ensureStream } from '../events/stream.js';
import { reminderSubject, remindersFilter } from '../events/subjects.js';
import { loadAgencyCalendar } from '../rules/calendar-loader.js';
import type { PublicationStore } from './publication-store.js';

export const reminderStreamName = 'TTHC_REMINDERS';

export function reminderStreamConfig(): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: reminderStreamName,
    subjects: [remindersFilter],
    storage: StorageType.File,
    max_age: nanos(180 * 24 * 3_600_000),
  };
}

export interface PublicationReminder extends PublicationDue {
  id: string;
  organisation: string;
  issuerName: string;
  procedureName?: string;
  /** What the officials read (Vietnamese). */
  message: string;
  sentAt: string;
}

export interface DueQuery {
  registry: OrganisationRegistry;
  today: CivilDate;
  withinWorkingDays: number;
  /** Only issuers in this unit's subtree. */
  unit?: string;
}

/** What falls due for the issuers of the store's records (in the subtree of `unit`, if given). */
export async function duePublications(store: PublicationStore, query: DueQuery): Promise<PublicationDue[]> {
  const due = publicationsDue(await store.records(), {
    today: query.today,
    withinWorkingDays: query.withinWorkingDays,
    calendarOf: (unit) => loadAgencyCalendar(query.registry, unit),
  });
  const { unit } = query;
  return unit === undefined ? due : due.filter((item) => query.registry.isWithin(item.issuer, unit));
}

const actions = { publication: 'ban hành quyết định công bố', disclosure: 'công khai trên CSDLQG' } as const;

/** One line for the officials: what to do, for which procedure, by when. */
export function reminderMessage(item: PublicationDue, procedureName?: string): string {
  const procedure = procedureName ? `${item.procedure} ${procedureName}` : item.procedure;
  const basis =
    item.kind === 'publication' ? `theo văn bản ${item.reference}` : `đã công bố tại ${item.reference}`;
  const when = item.overdue
    ? `đã quá hạn từ ${formatVietnameseDate(item.deadline)}`
    : `hạn ${formatVietnameseDate(item.deadline)} (còn ${item.workingDaysLeft} ngày làm việc)`;
  return `Thủ tục ${procedure} ${basis}: cần ${actions[item.kind]}, ${when}.`;
}

const reminderId = (item: PublicationDue) =>
  [
    item.overdue ? 'overdue' : 'due',
    item.kind,
    item.issuer,
    item.procedure,
    item.reference,
    item.deadline,
  ].join(' ');

export interface SendOptions extends DueQuery {
  catalogue?: readonly Procedure[];
  clock?: () => number;
}

export interface SendResult {
  due: PublicationDue[];
  sent: PublicationReminder[];
  /** Items reminded before, at the same stage. */
  alreadySent: number;
}

/** Publishes a reminder for each item due that was not reminded yet at its stage. */
export async function sendPublicationReminders(
  nc: NatsConnection,
  store: PublicationStore,
  options: SendOptions,
): Promise<SendResult> {
  await ensureStream(await jetstreamManager(nc), reminderStreamConfig());
  const js = jetstream(nc);
  const due = await duePublications(store, options);
  const result: SendResult = { due, sent: [], alreadySent: 0 };
  for (const item of due) {
    const reminder = buildReminder(item, store.organisation, options);
    if (!(await store.claimReminder(reminder.id, { sentAt: reminder.sentAt }))) {
      result.alreadySent++;
      continue;
    }
    try {
      await js.publish(reminderSubject(item.issuer, 'publication'), JSON.stringify(reminder), {
        msgID: createHash('sha256').update(reminder.id).digest('hex'),
      });
    } catch (error) {
      await store.releaseReminder(reminder.id);
      throw error;
    }
    result.sent.push(reminder);
  }
  return result;
}

function buildReminder(
  item: PublicationDue,
  organisation: string,
  options: SendOptions,
): PublicationReminder {
  const procedureName = options.catalogue?.find((p) => p.code === item.procedure)?.name;
  const issuerName = options.registry.has(item.issuer) ? options.registry.get(item.issuer).name : item.issuer;
  return {
    ...item,
    id: reminderId(item),
    organisation,
    issuerName,
    ...(procedureName ? { procedureName } : {}),
    message: reminderMessage(item, procedureName),
    sentAt: formatInstant((options.clock ?? Date.now)()),
  };
}

export interface ReminderCheckOptions extends Omit<SendOptions, 'today'> {
  logger: Logger;
  /** How often to check (default 6 hours); the first check runs at start. */
  intervalMs?: number;
}

/** Checks now and then every `intervalMs`, logging what it sent; a failed check is logged and retried next time. */
export function startPublicationReminderCheck(
  nc: NatsConnection,
  store: PublicationStore,
  options: ReminderCheckOptions,
): { stop(): Promise<void> } {
  const clock = options.clock ?? Date.now;
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    running = sendPublicationReminders(nc, store, { ...options, today: toCivilDate(clock()) })
      .then((result) => {
        if (result.sent.length > 0)
          options.logger.info({ sent: result.sent.map((r) => r.id) }, 'publication reminders sent');
      })
      .catch((error) => options.logger.error({ err: error }, 'publication reminder check failed'));
  };
  check();
  const timer = setInterval(check, options.intervalMs ?? 6 * 3_600_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
