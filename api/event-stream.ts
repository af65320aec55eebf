/**
 * A server-sent event stream on a hijacked Fastify reply, shared by the officials' console stream
 * and the citizens' dossier stream: a comment every `heartbeatMs`, at which `stillValid` (the
 * session or token) is checked again; when it fails the stream says `event: expired` and ends.
 */
import type { FastifyReply } from 'fastify';

export interface EventStream {
  /** Writes a chunk while the stream is open; nothing after it ended. */
  write(chunk: string): void;
  /** Ends the stream once (`onEnd` runs then); later calls do nothing. */
  end(): void;
}

export function openEventStream(
  reply: FastifyReply,
  options: { heartbeatMs: number; stillValid: () => Promise<void>; onEnd: () => void },
): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  let open = true;
  const stream: EventStream = {
    write: (chunk) => {
      if (open) raw.write(chunk);
    },
    end: () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      options.onEnd();
      raw.end();
    },
  };
  const heartbeat = setInterval(() => {
    options.stillValid().then(
      () => stream.write(': ping\n\n'),
      () => {
        stream.write('event: expired\ndata: {}\n\n');
        stream.end();
      },
    );
  }, options.heartbeatMs);
  heartbeat.unref();
  // The response's 'close' (not the request's, which Node emits once the request is read).
  raw.on('close', () => stream.end());
  raw.on('error', () => stream.end());
  return stream;
}
