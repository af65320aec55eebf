/** Connections to the servers that test/support/global-setup.ts started for this run. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { openPayloadProtection, type PayloadProtection } from '../../encryption/data-converter.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import { registerSearchAttributes } from '../../infra/temporal.js';
import { binaryPath } from '../../infra/tools.js';

export interface TemporalTestConnections {
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** The payload encryption of the run's keyring (global-setup.ts), over a test's NATS connection. */
export function testPayloadProtection(nc: NatsConnection): Promise<PayloadProtection> {
  return openPayloadProtection({ nc, keyring: new KeyringFile(inject('keyringFile')), keyringRefreshMs: 0 });
}

/** Connections to the shared dev server; the client encrypts with `protection` when given (the tests' keyring). */
export async function connectTemporal(protection?: PayloadProtection): Promise<TemporalTestConnections> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace, dataConverter: protection?.dataConverter }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export function connectNats(name = 'tthc-test'): Promise<NatsConnection> {
  return connect({ servers: inject('natsUrl'), name });
}

/**
 * A time-skipping Temporal test server for deadline paths of many days: timers fire as soon as
 * the workflow is otherwise idle. Call `teardown()` in afterAll.
 */
export async function createTimeSkippingEnv(
  protection?: PayloadProtection,
): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binaryPath('temporal-test-server') } },
    client: { dataConverter: protection?.dataConverter },
  });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}
