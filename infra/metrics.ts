/**
 * tthc-flow's own Prometheus metrics (prom-client). Activities and the aggregator call the small
 * hooks below; the worker process (workers/worker-process.ts) serves `metricsRegistry` at `/metrics`, merged
 * with the Temporal runtime's metrics. Counters are per process: Prometheus sums over processes.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

const dossiersStarted = new Counter({
  name: 'tthc_dossiers_started_total',
  help: 'Dossiers received (their "received" event was published)',
  registers: [metricsRegistry],
});

const dossierEvents = new Counter({
  name: 'tthc_dossier_events_total',
  help: 'Dossier domain events published, by type: one per applied action or automatic transition',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

const overdueFlags = new Counter({
  name: 'tthc_dossier_overdue_flags_total',
  help: 'Dossiers flagged by the deadline timers, by kind: apology-required (due tomorrow), overdue, overdue-unapologized',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

const publishFailures = new Counter({
  name: 'tthc_event_publish_failures_total',
  help: 'Failed publish attempts to JetStream, by stream (the activity retries; a steady rate means NATS trouble)',
  labelNames: ['stream'] as const,
  registers: [metricsRegistry],
});

const payloadDecodeFailures = new Counter({
  name: 'tthc_payload_decode_failures_total',
  help: 'Temporal payloads this process could not decrypt, by reason (unknown-key: a key missing from the keyring; erased; tampered; other). Any increase needs an operator.',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Counts a payload the encryption codec could not decode. */
export function recordPayloadDecodeFailure(reason: 'unknown-key' | 'erased' | 'tampered' | 'other'): void {
  payloadDecodeFailures.inc({ reason });
}

const overdueKinds = new Set(['apology-required', 'overdue', 'overdue-unapologized']);

/** Counts a dossier event that JetStream stored for the first time (not a deduplicated retry). */
export function recordPublishedEvent(event: { type: string }): void {
  dossierEvents.inc({ type: event.type });
  if (event.type === 'received') dossiersStarted.inc();
  if (overdueKinds.has(event.type)) overdueFlags.inc({ kind: event.type });
}

/** Awaits a publish; a failure is counted (then rethrown, for the activity to retry). */
export async function countPublishFailures<T>(
  stream: 'events' | 'notifications',
  publish: Promise<T>,
): Promise<T> {
  try {
    return await publish;
  } catch (error) {
    publishFailures.inc({ stream });
    throw error;
  }
}

/** What the indicator metrics read from the running aggregator (IndicatorAggregator fits). */
export interface IndicatorMetricsSource {
  metrics(): {
    processed: number;
    duplicates: number;
    deadLettered: number;
    lag: { last: number; p50: number; p95: number; p99: number };
  };
  pending(): Promise<number>;
}

let indicatorMetricsRegistered = false;

/** Gauges read from the aggregator at scrape time; `current` returns undefined while it is not running. */
export function registerIndicatorMetrics(current: () => IndicatorMetricsSource | undefined): void {
  if (indicatorMetricsRegistered) return;
  indicatorMetricsRegistered = true;
  new Gauge({
    name: 'tthc_indicator_lag_seconds',
    help: 'Event published → indicator counters updated, over the last 1000 events (quantile 0.5, 0.95, 0.99; "last")',
    labelNames: ['quantile'] as const,
    registers: [metricsRegistry],
    collect() {
      const source = current();
      this.reset();
      if (!source) return;
      const { lag } = source.metrics();
      this.set({ quantile: 'last' }, lag.last / 1_000);
      this.set({ quantile: '0.5' }, lag.p50 / 1_000);
      this.set({ quantile: '0.95' }, lag.p95 / 1_000);
      this.set({ quantile: '0.99' }, lag.p99 / 1_000);
    },
  });
  new Gauge({
    name: 'tthc_indicator_consumer_pending',
    help: 'Events not yet applied by the indicator aggregator (consumer backlog plus unacknowledged)',
    registers: [metricsRegistry],
    async collect() {
      const source = current();
      this.reset();
      if (!source) return;
      try {
        this.set(await source.pending());
      } catch {
        // NATS unreachable at scrape time: leave the gauge empty rather than fail the scrape.
      }
    },
  });
  new Gauge({
    name: 'tthc_indicator_events',
    help: 'Events handled by the indicator aggregator since the process started, by outcome (applied, duplicate, dead-lettered)',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
    collect() {
      const source = current();
      this.reset();
      if (!source) return;
      const counts = source.metrics();
      this.set({ outcome: 'applied' }, counts.processed);
      this.set({ outcome: 'duplicate' }, counts.duplicates);
      this.set({ outcome: 'dead-lettered' }, counts.deadLettered);
    },
  });
}

let processMetricsEnabled = false;

/** Node.js process metrics (CPU, memory, event-loop lag), prefixed `tthc_`; for the worker process. */
export function enableProcessMetrics(): void {
  if (processMetricsEnabled) return;
  processMetricsEnabled = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'tthc_' });
}

/** What the portal-sync metrics read from the running service (PortalSyncService fits). */
export interface PortalSyncMetricsSource {
  metrics(): {
    updates: Record<string, number>;
    dossiers: { synced: number; failed: number };
    retries: number;
    lag: { last: number; p50: number; p95: number; p99: number };
  };
  backlog(): Promise<{ pending: number; oldestPendingSeconds: number }>;
}

let portalSyncMetricsRegistered = false;

/** Gauges read from the portal-sync service at scrape time (the figures of `tthc portal status`). */
export function registerPortalSyncMetrics(current: () => PortalSyncMetricsSource | undefined): void {
  if (portalSyncMetricsRegistered) return;
  portalSyncMetricsRegistered = true;
  const backlog = async () => {
    const source = current();
    return source ? await source.backlog().catch(() => undefined) : undefined;
  };
  new Gauge({
    name: 'tthc_portal_sync_pending',
    help: 'Dossier events the portal sync has not handled yet (consumer backlog plus unacknowledged)',
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      const figures = await backlog();
      if (figures) this.set(figures.pending);
    },
  });
  new Gauge({
    name: 'tthc_portal_sync_oldest_pending_seconds',
    help: 'Age of the oldest dossier event not yet handled by the portal sync (0 when nothing waits): the lag now',
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      const figures = await backlog();
      if (figures) this.set(figures.oldestPendingSeconds);
    },
  });
  new Gauge({
    name: 'tthc_portal_sync_lag_seconds',
    help: 'Event published → acknowledged by the portal, over the last 1000 updates (quantile 0.5, 0.95, 0.99; "last")',
    labelNames: ['quantile'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      const source = current();
      if (!source) return;
      const { lag } = source.metrics();
      this.set({ quantile: 'last' }, lag.last / 1_000);
      this.set({ quantile: '0.5' }, lag.p50 / 1_000);
      this.set({ quantile: '0.95' }, lag.p95 / 1_000);
      this.set({ quantile: '0.99' }, lag.p99 / 1_000);
    },
  });
  new Gauge({
    name: 'tthc_portal_sync_dossiers',
    help: 'Dossiers the portal acknowledged (synced) and dossiers held back by a refusal (failed), over the whole store',
    labelNames: ['state'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      const source = current();
      if (!source) return;
      const { dossiers } = source.metrics();
      this.set({ state: 'synced' }, dossiers.synced);
      this.set({ state: 'failed' }, dossiers.failed);
    },
  });
  new Gauge({
    name: 'tthc_portal_sync_updates',
    help: 'Dossier events handled by the portal sync since the process started, by outcome (synced, duplicate, skipped, refused, held)',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      const source = current();
      if (!source) return;
      for (const [outcome, value] of Object.entries(source.metrics().updates)) this.set({ outcome }, value);
    },
  });
  new Gauge({
    name: 'tthc_portal_sync_retries',
    help: 'Batches the portal sync had to try again since the process started (the portal or Temporal unreachable)',
    registers: [metricsRegistry],
    collect() {
      this.reset();
      const source = current();
      if (source) this.set(source.metrics().retries);
    },
  });
}

/** What the notifier metrics read from the running notifier (NotifierService fits). */
export interface NotifierMetricsSource {
  metrics(): {
    sent: Record<string, number>;
    duplicate: number;
    skipped: Record<string, number>;
    failed: Record<string, number>;
    retried: number;
  };
  pending(): Promise<number>;
}

let notifierMetricsRegistered = false;

/** Gauges read from the notifier at scrape time. */
export function registerNotifierMetrics(current: () => NotifierMetricsSource | undefined): void {
  if (notifierMetricsRegistered) return;
  notifierMetricsRegistered = true;
  new Gauge({
    name: 'tthc_notifier_pending',
    help: 'Applicant notifications not yet handled by the notifier (consumer backlog plus unacknowledged)',
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      const source = current();
      if (!source) return;
      try {
        this.set(await source.pending());
      } catch {
        // NATS unreachable at scrape time: leave the gauge empty rather than fail the scrape.
      }
    },
  });
  new Gauge({
    name: 'tthc_notifications',
    help: 'Applicant notifications handled since the process started, by outcome (sent, failed, skipped, duplicate, retried) and channel (sms, email) or reason',
    labelNames: ['outcome', 'channel'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      const source = current();
      if (!source) return;
      const m = source.metrics();
      for (const [channel, value] of Object.entries(m.sent)) this.set({ outcome: 'sent', channel }, value);
      for (const [channel, value] of Object.entries(m.failed))
        this.set({ outcome: 'failed', channel }, value);
      for (const [why, value] of Object.entries(m.skipped))
        this.set({ outcome: 'skipped', channel: why }, value);
      this.set({ outcome: 'duplicate', channel: '' }, m.duplicate);
      this.set({ outcome: 'retried', channel: '' }, m.retried);
    },
  });
}
