/**
 * The portal-sync service as a process runs it (`npm start`, and the worker process with
 * TTHC_PORTAL_SYNC=true): the adapter to the configured portal, the references a record needs
 * (catalogue, organisation, the versioned status mapping, the public address), the service.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/configuration.js';
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { DetailKeys } from '../events/event-details.js';
import { loadPortalMapping } from '../rules/portal-mapping-loader.js';
import type { ErasureCheck } from './dossier-view-reader.js';
import { PortalClient } from './portal-client.js';
import { PortalSyncService, portalReferences } from './portal-sync-service.js';

export interface PortalSyncSettings {
  url: string;
  authPath: string;
  servicePath: string;
  username: string;
  password: string;
  unitCode: string;
  timeoutMs: number;
  /** Where the API is reachable from outside (result links on the portal). */
  publicUrl: string;
}

/** The settings from the configuration; `url` overrides TTHC_PORTAL_URL (npm start's emulator). */
export function portalSyncSettings(config: Config, url = config.TTHC_PORTAL_URL ?? ''): PortalSyncSettings {
  return {
    url,
    authPath: config.TTHC_PORTAL_AUTH_PATH,
    servicePath: config.TTHC_PORTAL_SERVICE_PATH,
    username: config.TTHC_PORTAL_USERNAME,
    password: config.TTHC_PORTAL_PASSWORD,
    unitCode: config.TTHC_PORTAL_UNIT_CODE,
    timeoutMs: config.TTHC_PORTAL_TIMEOUT,
    publicUrl: config.TTHC_PUBLIC_URL ?? `http://127.0.0.1:${config.TTHC_API_PORT}`,
  };
}

export interface PortalSyncSetup {
  nc: NatsConnection;
  /** A client with the data converter, on the dossiers' namespace. */
  temporal: Client;
  dataKeys: DetailKeys & ErasureCheck;
  settings: PortalSyncSettings;
  organisation: OrganisationRegistry;
  catalogue: readonly Procedure[];
  logger: Logger;
  replicas?: number;
  consumerName?: string;
  bucket?: string;
  maxBackoffMs?: number;
  startSequence?: number;
}

export function portalClientFor(settings: PortalSyncSettings): PortalClient {
  return new PortalClient({
    url: settings.url,
    authPath: settings.authPath,
    servicePath: settings.servicePath,
    username: settings.username,
    password: settings.password,
    unitCode: settings.unitCode,
    timeoutMs: settings.timeoutMs,
  });
}

function serviceOptions(setup: PortalSyncSetup) {
  return {
    nc: setup.nc,
    temporal: setup.temporal,
    dataKeys: setup.dataKeys,
    portal: portalClientFor(setup.settings),
    refs: portalReferences({
      catalogue: setup.catalogue,
      organisation: setup.organisation,
      mapping: loadPortalMapping(),
      publicUrl: setup.settings.publicUrl,
    }),
    logger: setup.logger,
    replicas: setup.replicas,
    consumerName: setup.consumerName,
    bucket: setup.bucket,
    maxBackoffMs: setup.maxBackoffMs,
    startSequence: setup.startSequence,
  };
}

/** Starts the service, following the dossier events. */
export function startPortalSync(setup: PortalSyncSetup): Promise<PortalSyncService> {
  return PortalSyncService.start(serviceOptions(setup));
}

/** The service without its background loop (`drain()` handles what is there): the bench. */
export function openPortalSync(setup: PortalSyncSetup): Promise<PortalSyncService> {
  return PortalSyncService.open(serviceOptions(setup));
}
