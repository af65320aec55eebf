/**
 * freePort (infra/server-launchers.ts): ports for servers started next, outside the kernel's
 * ephemeral range that outgoing connections take their local ports from.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FREE_PORT_RANGE, freePort } from '../../infra/server-launchers.js';

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function hold(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      held.push(server);
      resolve(true);
    });
  });
}

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each free to listen on', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(FREE_PORT_RANGE.from);
      expect(port).toBeLessThanOrEqual(FREE_PORT_RANGE.to);
      expect(port).toBeLessThan(32_768);
    }
    expect(await Promise.all(ports.map(hold))).toEqual(ports.map(() => true));
  });

  it('skips ports something listens on', async () => {
    const first = await freePort();
    const taken: number[] = [];
    const size = FREE_PORT_RANGE.to - FREE_PORT_RANGE.from + 1;
    for (let k = 1; k <= 20; k++) {
      const port = FREE_PORT_RANGE.from + ((first - FREE_PORT_RANGE.from + k) % size);
      if (await hold(port)) taken.push(port);
    }
    expect(taken.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(taken).not.toContain(await freePort());
  });
});
