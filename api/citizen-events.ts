/**
 * Live updates of one dossier for its citizen: `GET /v1/citizen/dossiers/{code}/events`, server-sent
 * events. `event: changed` with `{ code, type }` (no personal data) for every event of that dossier;
 * a comment every 15 s, at which the citizen's session or token is checked again (the stream ends
 * with `event: expired` when it is no longer valid). One NATS subscription to the dossier events
 * serves every open stream, each hearing only its own dossier's.
 */
import type { Subscription } from '@nats-io/transport-node';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dossierEventsFilter, parseDossierSubject } from '../events/subjects.js';
import type { ApiContext } from './context.js';
import { type EventStream, openEventStream } from './event-stream.js';

export class CitizenEventStreams {
  private readonly byCode = new Map<string, Set<EventStream>>();
  private subscription?: Subscription;
  private open = 0;
  private counter = 0;

  constructor(
    private readonly ctx: Pick<ApiContext, 'nc'>,
    private readonly heartbeatMs = 15_000,
    private readonly maxStreams = 2_000,
  ) {}

  /** Streams the dossier's events to this response until the client leaves or `stillValid` fails. */
  stream(request: FastifyRequest, reply: FastifyReply, code: string, stillValid: () => Promise<void>): void {
    if (this.open >= this.maxStreams) {
      void reply.code(503).send({
        error: 'Quá nhiều kết nối cập nhật trực tiếp; trang sẽ tự tải lại sau (too many event streams open)',
        code: 'UNAVAILABLE',
      });
      return;
    }
    const listeners = this.byCode.get(code) ?? new Set<EventStream>();
    this.byCode.set(code, listeners);
    const listener = openEventStream(reply, {
      heartbeatMs: this.heartbeatMs,
      stillValid,
      onEnd: () => {
        listeners.delete(listener);
        if (listeners.size === 0) this.byCode.delete(code);
        this.open -= 1;
        if (this.open === 0) this.unsubscribe();
      },
    });
    listeners.add(listener);
    this.open += 1;
    this.subscribe();
    listener.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ code })}\n\n`);
    request.log.info({ dossierCode: code }, 'citizen event stream opened');
  }

  closeAll(): void {
    for (const listeners of [...this.byCode.values()]) for (const listener of [...listeners]) listener.end();
    this.unsubscribe();
  }

  private subscribe(): void {
    if (this.subscription) return;
    this.subscription = this.ctx.nc.subscribe(dossierEventsFilter, {
      callback: (error, message) => {
        if (error) return;
        const parsed = parseDossierSubject(message.subject);
        if (!parsed) return;
        let code: string | undefined;
        try {
          const value = message.json<{ dossierCode?: unknown }>();
          if (typeof value.dossierCode === 'string') code = value.dossierCode;
        } catch {
          return;
        }
        const listeners = code ? this.byCode.get(code) : undefined;
        if (!listeners) return;
        const chunk = `id: ${++this.counter}\nevent: changed\ndata: ${JSON.stringify({ code, type: parsed.type })}\n\n`;
        for (const listener of listeners) listener.write(chunk);
      },
    });
  }

  private unsubscribe(): void {
    const subscription = this.subscription;
    this.subscription = undefined;
    try {
      subscription?.unsubscribe();
    } catch {
      // The connection is already closed.
    }
  }
}
