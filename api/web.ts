/**
 * The web console (web/) and its live-update stream, as one Fastify plugin of the API:
 *   GET /console              redirects to /console/
 *   GET /console/             the console (web/index.html)
 *   GET /console/{file}       its static files (HTML, CSS, ES modules, SVG), from web/
 *   GET /console/{folder}/{file}  the same, from a folder of web/ (e.g. web/counter/)
 *   GET /console/names.js     every display name and input pattern, generated from domain/ at start
 *   GET /v1/events            server-sent events: a small "changed" message for every dossier event
 *                             within the caller's scope (bearer token, like every /v1 route)
 *
 * The console is static: no build step, no framework; it talks to the API only through the HTTP
 * routes documented in /openapi.json, and takes its names and input patterns from names.js
 * (api/console-names.ts). Files are read once when the plugin is registered and served from memory
 * with an ETag. Pages carry a strict Content-Security-Policy (scripts, styles and
 * connections from this origin only).
 *
 * The event stream subscribes to `tthc.dossier.>` on NATS (a core subscription: what JetStream
 * stores is also delivered to core subscribers) while at least one browser listens, and pushes
 * `event: changed` with the event type, dossier code and units: no personal data. The console reads
 * it with its session cookie, scripts with a bearer token. The token or session is checked again
 * at each heartbeat, so a stream ends when it expires or the official signs out.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Subscription } from '@nats-io/transport-node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type DossierSubjectParts,
  dossierEventsFilter,
  feedbackEventsFilter,
  parseDossierSubject,
  parseFeedbackSubject,
} from '../events/subjects.js';
import type { Official } from './auth.js';
import { type SearchScope, searchScope } from './authorization.js';
import { consoleNamesModule } from './console-names.js';
import type { ApiContext } from './context.js';
import { type EventStream, openEventStream } from './event-stream.js';
import { NotFoundError } from './http-errors.js';
import { authenticateRequest } from './request-auth.js';
import { errorResponses } from './schemas.js';

export interface WebConsoleOptions {
  ctx: ApiContext;
  /** Folder of the console's files (default: web/ of this repository). */
  root?: string;
  /** Heartbeat (and token re-check) interval of the event stream, ms (default 15 000). */
  heartbeatMs?: number;
  /** Most event streams open at once (default 500); more are refused with a 503. */
  maxStreams?: number;
}

const defaultRoot = fileURLToPath(new URL('../web/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A file name the console may serve: lower-case, a known extension. */
const FILE_NAME = /^[a-z0-9][a-z0-9-]{0,63}\.(html|css|js|svg|json|png|ico)$/;
/** A folder of web/ whose files are served too: lower-case, one level only. */
const FOLDER_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The module generated at start; web/ has no file of that name. */
const GENERATED_NAMES = 'names.js';

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

function staticFile(name: string, body: Buffer): StaticFile {
  return {
    body,
    type: contentTypes[extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/** The files of web/ and of its folders (one level), by their path below web/, and names.js. */
function loadFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const addFolder = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (FILE_NAME.test(name) && statSync(path).isFile()) {
        files.set(`${prefix}${name}`, staticFile(name, readFileSync(path)));
      } else if (!prefix && FOLDER_NAME.test(name) && statSync(path).isDirectory()) {
        addFolder(path, `${name}/`);
      }
    }
  };
  addFolder(root, '');
  if (files.has(GENERATED_NAMES)) throw new Error(`web/${GENERATED_NAMES} is generated; remove the file`);
  files.set(GENERATED_NAMES, staticFile(GENERATED_NAMES, Buffer.from(consoleNamesModule(), 'utf8')));
  return files;
}

/** The plugin: `await app.register(webConsole, { ctx })`. */
export async function webConsole(scope: FastifyInstance, options: WebConsoleOptions): Promise<void> {
  const { ctx } = options;
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const files = loadFiles(options.root ?? defaultRoot);
  const stream = new DossierEventFanOut(ctx, options.heartbeatMs ?? 15_000, options.maxStreams ?? 500);
  scope.addHook('preClose', async () => stream.closeAll());

  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    const file = files.get(name);
    if (!file) throw new NotFoundError(`Không có tệp ${name} của giao diện (no console file ${name})`);
    void reply
      .header('content-type', file.type)
      .header('etag', file.etag)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (file.type.startsWith('text/html')) {
      void reply.header('content-security-policy', contentSecurityPolicy).header('x-frame-options', 'DENY');
    }
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };

  app.get(
    '/console',
    {
      schema: {
        tags: ['console'],
        summary: 'The web console (redirects to /console/)',
        security: [],
      },
    },
    async (_request, reply) => reply.redirect('/console/', 301),
  );

  app.get(
    '/console/',
    {
      schema: {
        tags: ['console'],
        summary: 'The web console for counters, officials, supervisors and citizens (HTML)',
        security: [],
      },
    },
    async (request, reply) => send(request, reply, 'index.html'),
  );

  app.get(
    '/console/:file',
    {
      schema: {
        tags: ['console'],
        summary: 'A static file of the web console (HTML, CSS, JavaScript module, SVG)',
        security: [],
        params: z.strictObject({
          file: z.string().regex(FILE_NAME, 'must be the name of a console file, e.g. app.js'),
        }),
        response: errorResponses(400, 404),
      },
    },
    async (request, reply) => send(request, reply, request.params.file),
  );

  app.get(
    '/console/:folder/:file',
    {
      schema: {
        tags: ['console'],
        summary: 'A static file of the web console in one of its folders (JavaScript module)',
        security: [],
        params: z.strictObject({
          folder: z.string().regex(FOLDER_NAME, 'must be the name of a console folder, e.g. counter'),
          file: z.string().regex(FILE_NAME, 'must be the name of a console file, e.g. app.js'),
        }),
        response: errorResponses(400, 404),
      },
    },
    async (request, reply) => send(request, reply, `${request.params.folder}/${request.params.file}`),
  );

  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['console'],
        summary:
          'Server-sent events (text/event-stream): "changed" for every dossier event within the caller’s scope',
        description:
          'Each message is `event: changed` with data `{ type, code, competentAgency, receivingUnit }` (no ' +
          'personal data); `event: ready` when the stream starts; a comment every 15 s. Scope as for ' +
          'the dossier search. Read it with fetch() and the bearer token; the stream ends when the token expires.',
        response: errorResponses(401, 503),
      },
    },
    async (request, reply) => {
      const caller = await authenticateRequest(ctx, request);
      // At each heartbeat: is the token or session still good?
      const stillValid = caller.session
        ? async () => {
            if (ctx.sessions.lookup(caller.session?.id).status !== 'active') throw new Error('session ended');
          }
        : async () => {
            await authenticateRequest(ctx, request);
          };
      stream.open(request, reply, stillValid, caller.official);
    },
  );
}

/**
 * What a browser is told about one dossier or feedback event. For feedback, `competentAgency` is the
 * unit holding it (as in its search attributes) and `receivingUnit` where it was received.
 */
export interface ChangedMessage extends DossierSubjectParts {
  kind: 'dossier' | 'feedback';
  /** The dossier's code. */
  code?: string;
  /** The feedback's id. */
  id?: string;
}

/** Whether an official with this search scope may hear about a dossier of these units. */
export function inScope(
  scope: SearchScope,
  message: Pick<ChangedMessage, 'competentAgency' | 'receivingUnit'>,
) {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'subtree':
      return scope.units.includes(message.competentAgency) || scope.units.includes(message.receivingUnit);
    case 'receiving-unit':
      return message.receivingUnit === scope.unit;
    case 'competent-agency':
      return message.competentAgency === scope.unit;
  }
}

interface Listener extends EventStream {
  scope: SearchScope;
}

/** One NATS subscription shared by every open stream; opened with the first, closed with the last. */
class DossierEventFanOut {
  private readonly listeners = new Set<Listener>();
  private subscriptions: Subscription[] = [];
  private counter = 0;

  constructor(
    private readonly ctx: ApiContext,
    private readonly heartbeatMs: number,
    private readonly maxStreams: number,
  ) {}

  open(
    request: FastifyRequest,
    reply: FastifyReply,
    stillValid: () => Promise<void>,
    official: Official,
  ): void {
    if (this.listeners.size >= this.maxStreams) {
      void reply.code(503).send({
        error: 'Quá nhiều kết nối cập nhật trực tiếp (too many event streams open)',
        code: 'UNAVAILABLE',
      });
      return;
    }
    const listener: Listener = {
      scope: searchScope(official, this.ctx.organisation),
      ...openEventStream(reply, {
        heartbeatMs: this.heartbeatMs,
        stillValid,
        onEnd: () => {
          this.listeners.delete(listener);
          if (this.listeners.size === 0) this.unsubscribe();
        },
      }),
    };
    this.listeners.add(listener);
    this.subscribe();
    listener.write(
      `retry: 3000\nevent: ready\ndata: ${JSON.stringify({ unit: official.unit, role: official.role })}\n\n`,
    );
    request.log.info({ streams: this.listeners.size }, 'event stream opened');
  }

  closeAll(): void {
    for (const listener of [...this.listeners]) listener.end();
    this.unsubscribe();
  }

  private subscribe(): void {
    if (this.subscriptions.length > 0) return;
    const short = (value: unknown) => (typeof value === 'string' && value.length <= 64 ? value : undefined);
    this.subscriptions = [
      this.ctx.nc.subscribe(dossierEventsFilter, {
        callback: (error, message) => {
          if (error) return;
          const parsed = parseDossierSubject(message.subject);
          if (!parsed) return;
          let code: string | undefined;
          try {
            code = short(message.json<{ dossierCode?: unknown }>().dossierCode);
          } catch {
            // Not JSON: the units and type from the subject are enough.
          }
          this.send({ kind: 'dossier', ...parsed, code });
        },
      }),
      // Feedback events (the dashboard's group 5, the feedback list): the unit holding it from the
      // subject, where it was received and its id from the event's public facts.
      this.ctx.nc.subscribe(feedbackEventsFilter, {
        callback: (error, message) => {
          if (error) return;
          const parsed = parseFeedbackSubject(message.subject);
          if (!parsed) return;
          let id: string | undefined;
          let receivingUnit = parsed.handlingUnit;
          try {
            const value = message.json<{ feedbackId?: unknown; facts?: { receivingUnit?: unknown } }>();
            id = short(value.feedbackId);
            receivingUnit = short(value.facts?.receivingUnit) ?? receivingUnit;
          } catch {
            // Not JSON: the unit and type from the subject are enough.
          }
          this.send({
            kind: 'feedback',
            type: parsed.type,
            competentAgency: parsed.handlingUnit,
            receivingUnit,
            id,
          });
        },
      }),
    ];
  }

  private send(changed: ChangedMessage): void {
    const chunk = `id: ${++this.counter}\nevent: changed\ndata: ${JSON.stringify(changed)}\n\n`;
    for (const listener of this.listeners) if (inScope(listener.scope, changed)) listener.write(chunk);
  }

  private unsubscribe(): void {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    for (const subscription of subscriptions) {
      try {
        subscription.unsubscribe();
      } catch {
        // The connection is already closed.
      }
    }
  }
}
