/** What every `tthc indicators …` sub-command shares: the NATS connection, the read model, checking --unit and --period. */
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { indicatorMetaBucket } from '../aggregators/indicator-store.js';
import { IndicatorReadModel } from '../aggregators/read-model.js';
import { isPeriodId } from '../indicators/periods.js';
import { connectNats } from '../infra/nats-connection.js';
import { type PublicationSource, PublicationStore } from '../publications/publication-store.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { UsageError } from './output.js';

export interface IndicatorConnectionOptions {
  nats: string;
  organisation: string;
  json?: boolean;
}

const periodSchema = z.string().refine(isPeriodId, {
  message: 'must be a period: YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-9M or YYYY',
});

export function checkPeriod(period: string): string {
  const result = periodSchema.safeParse(period);
  if (!result.success) throw new UsageError(`--period "${period}" ${result.error.issues[0]?.message}`);
  return period;
}

export function requireOption(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`${name} is required`);
  return value;
}

export function checkUnit(code: string, organisation: string): string {
  if (!loadOrganisation(organisation).has(code)) {
    throw new UsageError(`--unit "${code}" is not a unit of the organisation "${organisation}"`);
  }
  return code;
}

export async function withNats<T>(url: string, run: (nc: NatsConnection) => Promise<T>): Promise<T> {
  let nc: NatsConnection;
  try {
    nc = await connectNats({ servers: url, timeout: 3_000, name: 'tthc-cli' });
  } catch {
    throw new Error(
      `cannot reach NATS at ${url}; is the system running (npm start)? Set --nats or TTHC_NATS_URL`,
    );
  }
  try {
    return await run(nc);
  } finally {
    await nc.drain();
  }
}

/** The read model over the indicator store and the publication records (by default the standard store). */
export function readModel(
  nc: NatsConnection,
  options: IndicatorConnectionOptions & { publications?: PublicationSource },
): IndicatorReadModel {
  return new IndicatorReadModel(
    nc,
    loadOrganisation(options.organisation),
    loadCatalogue().procedures,
    undefined,
    metaBucket(),
    { publications: options.publications ?? new PublicationStore(nc, options.organisation) },
  );
}

export function metaBucket(): string {
  return process.env.TTHC_INDICATOR_META_BUCKET ?? indicatorMetaBucket;
}
