/**
 * One Temporal dev server (in memory, custom search attributes registered) and one nats-server
 * (JetStream on a temporary store) for the whole test run, on free ports; stopped at the end
 * whether tests pass or fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { allSearchAttributeKeys } from '../../contract/search-attributes.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import {
  type NatsServer,
  startNatsServer,
  startTemporalDevServer,
  type TemporalDevServer,
} from '../../infra/server-launchers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    natsUrl: string;
    /** The run's encryption keyring (mode 0600): every client, worker and process a test starts uses it. */
    keyringFile: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Array<TemporalDevServer | NatsServer> = [];
  const keyringDir = await mkdtemp(join(tmpdir(), 'tthc-test-keyring-'));
  const stopAll = async () => {
    await Promise.allSettled(started.map((server) => server.stop()));
    await rm(keyringDir, { recursive: true, force: true });
  };
  try {
    const keyringFile = join(keyringDir, 'keyring.json');
    await new KeyringFile(keyringFile).loadOrCreate();
    project.provide('keyringFile', keyringFile);
    const [temporal, nats] = await Promise.all([
      startTemporalDevServer({ searchAttributes: allSearchAttributeKeys }).then((s) => {
        started.push(s);
        return s;
      }),
      startNatsServer().then((s) => {
        started.push(s);
        return s;
      }),
    ]);
    project.provide('temporalAddress', temporal.address);
    project.provide('temporalNamespace', temporal.namespace);
    project.provide('natsUrl', nats.url);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
