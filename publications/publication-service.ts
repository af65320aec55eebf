/**
 * The publication records of a running system: the store seeded with the organisation's versioned
 * records (data/publications/<organisation>.json; records already stored are left as they are, so
 * an import made since is kept), and the reminder check before the deadlines of 1.1 and 1.2.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { loadPublications, publicationFileOf } from '../rules/publication-loader.js';
import { startPublicationReminderCheck } from './publication-reminders.js';
import { PublicationStore } from './publication-store.js';

/** Working days ahead a reminder is sent (the shortest statutory delay, a province's 5). */
export const reminderLeadWorkingDays = 5;

export interface PublicationServiceOptions {
  nc: NatsConnection;
  organisation: string;
  registry: OrganisationRegistry;
  catalogue: readonly Procedure[];
  logger: Logger;
}

export async function startPublicationService(options: PublicationServiceOptions) {
  const { nc, organisation, registry, logger } = options;
  const store = new PublicationStore(nc, organisation);
  const seed = loadPublications(organisation, registry);
  if (seed) {
    const report = await store.importRecords(seed, {
      onlyMissing: true,
      registry,
      source: publicationFileOf(organisation),
    });
    logger.info({ added: report.added.length, kept: report.kept }, 'publication records seeded');
  }
  return startPublicationReminderCheck(nc, store, {
    registry,
    catalogue: options.catalogue,
    withinWorkingDays: reminderLeadWorkingDays,
    logger,
  });
}
