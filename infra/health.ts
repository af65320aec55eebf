/**
 * The small HTTP endpoints of a worker process: `/healthz` (the process is alive), `/readyz`
 * (connected and polling its queues) and `/metrics` (Prometheus). Routes that share a port are
 * served by one server.
 */
import { createServer, type Server } from 'node:http';

export interface EndpointResponse {
  status: number;
  body: string;
  contentType?: string;
}

export type Route = () => EndpointResponse | Promise<EndpointResponse>;

export interface HttpEndpoints {
  /** The bound port of each requested port (a requested 0 becomes the port actually bound). */
  ports: Map<number, number>;
  close(): Promise<void>;
}

/** Starts one server per distinct port; each serves its routes with GET (or HEAD), else 404/405. */
export async function startHttpEndpoints(
  routesByPort: ReadonlyArray<{ port: number; routes: Record<string, Route> }>,
  host = '0.0.0.0',
): Promise<HttpEndpoints> {
  const merged = new Map<number, Record<string, Route>>();
  for (const { port, routes } of routesByPort) merged.set(port, { ...merged.get(port), ...routes });
  const servers: Server[] = [];
  const ports = new Map<number, number>();
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };
  try {
    for (const [port, routes] of merged) {
      const server = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        const route = routes[path];
        if (!route) {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
          return;
        }
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
          return;
        }
        Promise.resolve()
          .then(route)
          .then(
            ({ status, body, contentType }) => {
              response.writeHead(status, { 'content-type': contentType ?? 'text/plain; charset=utf-8' });
              response.end(request.method === 'HEAD' ? undefined : body);
            },
            (error: unknown) => {
              response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
              response.end(`${String(error)}\n`);
            },
          );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const address = server.address();
      ports.set(port, typeof address === 'object' && address ? address.port : port);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { ports, close };
}
