/**
 * The one configuration module: every setting of tthc-flow comes from an environment variable,
 * is validated here with zod, and is listed in `settingsTable` (and in docs/operations.md, which a
 * test keeps in step). Defaults suit the embedded stack on one machine (`npm start`); a deployment
 * overrides the connections, queues and ports (docker-compose.yml).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../infra/tools.js';
import { loadOrganisation } from '../rules/organisation-loader.js';

export type SettingGroup =
  | 'connections'
  | 'worker'
  | 'observability'
  | 'data'
  | 'api'
  | 'sign-in'
  | 'integrations'
  | 'local stack'
  | 'tooling';

interface SettingDoc {
  group: SettingGroup;
  description: string;
  /** The default as written in the docs, when it differs from the parsed default (e.g. a path). */
  shownDefault?: string;
  /** Never echo the value in error messages. */
  secret?: boolean;
}

function setting<T extends z.ZodType>(schema: T, doc: SettingDoc): { schema: T } & SettingDoc {
  return { schema, ...doc };
}

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error'], {
  error: 'must be one of trace, debug, info, warn, error',
});

const portNumber = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole port number')
  .min(1, 'must be a port number from 1 to 65535')
  .max(65_535, 'must be a port number from 1 to 65535');
const port = (fallback: number) => portNumber.default(fallback);

const count = (min: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be ≥ ${min}`);

const flag = () => z.stringbool({ error: 'must be true or false (also 1/0, yes/no, on/off)' });

/** `500ms`, `30s`, `2m`, `1h`, or plain milliseconds; parsed to milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, 'must be a duration such as 30s, 2m, 1500ms (or plain milliseconds)')
  .transform((text) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
    const value = Number(match?.[1]);
    const unit = match?.[2] ?? 'ms';
    return Math.round(value * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms']);
  });

/** `10MiB`, `512KiB`, or plain bytes; parsed to bytes. */
const byteSize = z
  .string()
  .regex(/^\d+(KiB|MiB)?$/, 'must be a size such as 10MiB, 512KiB, or plain bytes')
  .transform((text) => {
    const match = /^(\d+)(KiB|MiB)?$/.exec(text);
    return Number(match?.[1]) * (match?.[2] === 'MiB' ? 1024 * 1024 : match?.[2] === 'KiB' ? 1024 : 1);
  });

const hostPort = z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. temporal:7233');

const natsUrls = z
  .string()
  .transform((text) => text.split(',').map((url) => url.trim()))
  .refine(
    (urls) =>
      urls.length > 0 &&
      urls.every(
        (url) =>
          /^(nats|tls|ws|wss):\/\/[^\s,/]+(:\d{1,5})?\/?$/.test(url) || /^[^\s,/:]+:\d{1,5}$/.test(url),
      ),
    'must be a comma-separated list of NATS URLs, e.g. nats://nats-1:4222,nats://nats-2:4222',
  );

/** `all`, `none`, or a comma-separated list of unit codes whose queues this process serves. */
const taskQueues = z.string().transform((text): 'all' | string[] => {
  const trimmed = text.trim();
  if (trimmed === 'all') return 'all';
  if (trimmed === 'none') return [];
  return trimmed
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
});

const natsName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -');

/** A comma-separated list of web origins (`https://host[:port]`), none when empty. */
const origins = (example: string) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    )
    .refine(
      (list) => list.every((origin) => /^https?:\/\/[^\s/]+$/.test(origin)),
      `must be a comma-separated list of origins such as ${example}`,
    );

/** A claim of the identity provider's tokens: a name, or a dotted path into nested claims. */
const claimPath = z
  .string()
  .regex(
    /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+){0,4}$/,
    'must be a claim name or a dotted path such as realm_access.roles',
  );

/** `provider-role=role,…`: the provider's role names for the official roles. */
const roleValueMap = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter((pair) => pair.length > 0)
      .map((pair) => pair.split('=').map((part) => part.trim())),
  )
  .refine(
    (pairs) =>
      pairs.every(
        (pair) =>
          pair.length === 2 &&
          (pair[0] ?? '').length > 0 &&
          ['counter-officer', 'specialist', 'leader', 'supervisor', 'administrator'].includes(pair[1] ?? ''),
      ),
    'must be a comma-separated list of provider-role=role pairs, the role one of counter-officer, specialist, leader, supervisor, administrator (e.g. tthc-lanh-dao=leader)',
  )
  .transform((pairs) => Object.fromEntries(pairs) as Record<string, string>);

const settings = {
  TTHC_ENV: setting(
    z
      .enum(['development', 'production'], { error: 'must be development or production' })
      .default('development'),
    {
      group: 'worker',
      description:
        '`production`: workers load the prebuilt workflow bundle (`TTHC_WORKFLOW_BUNDLE`, written by `npm run build:workflows`) when it exists; `development`: they bundle the workflow code at start',
    },
  ),
  TTHC_TEMPORAL_ADDRESS: setting(hostPort.default('127.0.0.1:7233'), {
    group: 'connections',
    description: 'Temporal frontend (gRPC) `host:port`',
  }),
  TTHC_TEMPORAL_NAMESPACE: setting(z.string().min(1).default('default'), {
    group: 'connections',
    description:
      'Temporal namespace of the dossier workflows (the custom search attributes must be registered in it)',
  }),
  TTHC_NATS_URL: setting(natsUrls.default(['nats://127.0.0.1:4222']), {
    group: 'connections',
    shownDefault: 'nats://127.0.0.1:4222',
    description: 'NATS server URL, or a comma-separated list of the cluster nodes',
  }),
  TTHC_TASK_QUEUES: setting(taskQueues.default('all'), {
    group: 'worker',
    description:
      'unit queues this worker process serves: `all` units of the organisation, `none`, or a comma-separated list of unit codes (per-agency workers)',
  }),
  TTHC_SERVE_DOSSIER_QUEUE: setting(flag().default(true), {
    group: 'worker',
    description:
      'whether this worker process also runs the dossier workflows and shared activities (queue `tthc-dossiers`)',
  }),
  TTHC_INDICATOR_AGGREGATOR: setting(flag().default(false), {
    group: 'worker',
    description:
      'run the Decision 766 indicator aggregator in this process (`npm start` always runs it); any number of processes may: they share the active bucket’s partitions, one owner per partition at a time, and take over a stopped one’s (see “Scaling”)',
  }),
  TTHC_INDICATOR_PARTITIONS: setting(count(1).max(64, 'must be from 1 to 64').default(1), {
    group: 'worker',
    description:
      'partitions of an indicator bucket when it is created (the first start, or `tthc indicators rebuild`); an existing bucket keeps its own; at most this many aggregator processes share the work',
  }),
  TTHC_INDICATOR_LEASE_TTL: setting(
    duration.refine((ms) => ms >= 1_000, 'must be at least 1s').default(3_000),
    {
      group: 'worker',
      shownDefault: '3s',
      description:
        'how long an aggregator’s partition lease outlives its last renewal (renewed every third of it): a stopped or killed process’s partitions are taken over after about this long',
    },
  ),
  TTHC_RETENTION_SWEEP: setting(flag().default(false), {
    group: 'worker',
    description:
      'run the retention of personal data in this process: the index of when each ended dossier falls due (from the events) and the sweep that erases the dossiers due (docs/operations.md, “Retention and erasure”); one process of a deployment (`npm start` always runs it)',
  }),
  TTHC_RETENTION_SWEEP_INTERVAL: setting(
    duration.refine((ms) => ms >= 60_000, 'must be at least 1m').default(3_600_000),
    {
      group: 'worker',
      shownDefault: '1h',
      description:
        'how often the retention sweep looks for dossiers due for erasure (it also sweeps at start)',
    },
  ),
  TTHC_PORTAL_SYNC: setting(flag().default(false), {
    group: 'worker',
    description:
      'run the portal-sync service in this process: every dossier’s record and status changes to the national portal (Cổng DVCQG), its acknowledgements back to the dossiers (docs/operations.md, “Portal sync”); one process of a deployment (`npm start` always runs it)',
  }),
  TTHC_NOTIFIER: setting(flag().default(false), {
    group: 'worker',
    description:
      'run the notifier in this process: the applicants’ SMS and e-mail messages, each delivered once (docs/operations.md, “Notifications”); one process of a deployment (`npm start` always runs it)',
  }),
  TTHC_INDICATOR_META_BUCKET: setting(natsName.default('tthc_indicators_meta'), {
    group: 'worker',
    description: 'KV bucket that names the active indicator bucket (isolates test or staging read models)',
  }),
  TTHC_MAX_CONCURRENT_ACTIVITIES: setting(count(1).default(100), {
    group: 'worker',
    description: 'activities run at once by this process on the dossier queue',
  }),
  TTHC_MAX_CONCURRENT_UNIT_ACTIVITIES: setting(count(1).default(20), {
    group: 'worker',
    description: 'activities (digitizing, signing) run at once by this process on each unit queue',
  }),
  TTHC_MAX_CONCURRENT_WORKFLOW_TASKS: setting(count(2).default(40), {
    group: 'worker',
    description: 'workflow tasks run at once by this process (at least 2)',
  }),
  TTHC_WORKFLOW_THREADS: setting(count(1).max(16, 'must be ≤ 16').default(2), {
    group: 'worker',
    description:
      'threads that run workflow code in this process (SDK default 1); 2 measured 20 % faster on a 2-core machine, 3 slower (BENCHMARKS.md)',
  }),
  TTHC_WORKFLOW_STACK_FRAMES: setting(count(0).max(100, 'must be ≤ 100').default(0), {
    group: 'worker',
    description:
      'frames kept in stack traces taken in workflow code (the SDK takes one for every promise a workflow creates, for the Temporal UI’s stack-trace view; also in workflow task failures); 0 saves about a third of the workflow threads’ CPU (BENCHMARKS.md), 10 is V8’s default; read when the workflow code is bundled',
  }),
  TTHC_WORKFLOW_ACTIVATION_TIMEOUT: setting(duration.default(0), {
    group: 'worker',
    shownDefault: '0 (none)',
    description:
      'longest a workflow activation may run before its task fails (the SDK’s isolateExecutionTimeout, 5s there); 0 sets no bound: Node.js enforces one by starting a watchdog thread for every call into the workflow sandbox, about 75 µs each (workers/temporal-worker.ts, BENCHMARKS.md)',
  }),
  TTHC_MAX_CACHED_WORKFLOWS: setting(count(0).optional(), {
    group: 'worker',
    shownDefault: '(SDK: from the heap size)',
    description: 'dossier workflows kept in memory between tasks (sticky cache); 0 disables the cache',
  }),
  TTHC_SHUTDOWN_GRACE_TIME: setting(duration.default(30_000), {
    group: 'worker',
    shownDefault: '30s',
    description:
      'on SIGTERM, how long in-flight activities may run to completion before they are cancelled; the process exits 0 after a clean drain (set the orchestrator’s stop timeout above it)',
  }),
  TTHC_WORKFLOW_BUNDLE: setting(
    z
      .string()
      .min(1)
      .default(join(projectRoot, 'dist', 'workflow-bundle.js')),
    {
      group: 'worker',
      shownDefault: 'dist/workflow-bundle.js',
      description:
        'the prebuilt workflow bundle used in production (relative paths are from the project folder)',
    },
  ),
  TTHC_METRICS_PORT: setting(port(9464), {
    group: 'observability',
    description:
      'worker process: `GET /metrics` in Prometheus text format (the Temporal SDK’s metrics and tthc-flow’s own)',
  }),
  TTHC_SDK_METRICS_PORT: setting(
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole port number')
      .min(0, 'must be 0 or a port number')
      .max(65_535, 'must be 0 or a port number')
      .default(0),
    {
      group: 'observability',
      description:
        'loopback port of the Temporal runtime’s own Prometheus exporter, merged into `/metrics`; 0 picks a free one',
    },
  ),
  TTHC_HEALTH_PORT: setting(port(8080), {
    group: 'observability',
    description:
      'worker process: `GET /healthz` (alive) and `GET /readyz` (connected and polling); may equal the metrics port',
  }),
  TTHC_LOG_LEVEL: setting(logLevel.default('info'), {
    group: 'observability',
    description: 'tthc-flow’s own logs (pino, JSON, personal data redacted)',
  }),
  TTHC_SDK_LOG_LEVEL: setting(logLevel.default('error'), {
    group: 'observability',
    description: 'the Temporal SDK’s logs (worker state changes and the like)',
  }),
  TTHC_DATA_DIR: setting(z.string().min(1).default(join(projectRoot, '.data')), {
    group: 'data',
    shownDefault: '.data',
    description:
      'documents and unit signing keys (all worker processes of a deployment must share it); in `npm start` also Temporal’s SQLite file and the JetStream store',
  }),
  TTHC_KEYRING_FILE: setting(z.string().min(1).optional(), {
    group: 'data',
    shownDefault: '<TTHC_DATA_DIR>/keyring.json',
    description:
      'the encryption keyring (mode 0600; `npm start` creates it, `npx tthc keys rotate` adds a key): every process of a deployment needs the same ring',
  }),
  TTHC_KEYRING: setting(z.string().min(1).optional(), {
    group: 'data',
    shownDefault: '(none)',
    secret: true,
    description:
      'the keyring JSON itself, instead of the file (for secrets injected as environment variables); see “Personal data”',
  }),
  TTHC_DATA_KEY_BUCKET: setting(natsName.default('tthc_data_keys'), {
    group: 'data',
    description:
      'NATS KV bucket of the data keys, one per dossier or feedback, wrapped by the keyring (destroyed on erasure)',
  }),
  TTHC_ORGANISATION: setting(z.string().min(1).default('demo'), {
    group: 'data',
    description: 'organisation registry under `data/organisations/`',
  }),
  TTHC_STREAM_REPLICAS: setting(count(1).max(5, 'must be from 1 to 5').default(1), {
    group: 'data',
    description:
      'replicas of the `TTHC_EVENTS` and `TTHC_ACCESS_LOG` streams: 3 on a 3-node JetStream cluster in production (see “Durability”)',
  }),
  TTHC_API_PORT: setting(port(3000), {
    group: 'api',
    description: 'the HTTP API',
  }),
  TTHC_API_HOST: setting(z.string().min(1).default('127.0.0.1'), {
    group: 'api',
    description:
      'the interface the HTTP API listens on: loopback by default; `0.0.0.0` in a container or behind a reverse proxy on another host',
  }),
  TTHC_TOKEN_SECRET: setting(z.string().min(1).optional(), {
    group: 'api',
    shownDefault: '(none)',
    secret: true,
    description:
      'the HTTP API’s server secret (required, at least 32 characters; keep it out of the repository): it derives the citizens’ lookup secrets, the search page tokens and the codec session cookie; officials’ tokens signed with it are refused unless `TTHC_DEV_SHARED_SECRET_TOKENS=true`',
  }),
  TTHC_API_BODY_LIMIT: setting(
    count(1024)
      .max(64 * 1024 * 1024, 'must be ≤ 67108864')
      .default(1024 * 1024),
    {
      group: 'api',
      description:
        'the largest request body the API accepts, in bytes (413 beyond it); the codec endpoint allows 32 MiB',
    },
  ),
  TTHC_UPLOAD_MAX_SIZE: setting(byteSize.default(10 * 1024 * 1024), {
    group: 'api',
    shownDefault: '10MiB',
    description:
      'the largest component the API takes in `POST /v1/uploads` (413 beyond it, refused while the bytes arrive)',
  }),
  TTHC_DOSSIER_UPLOAD_MAX_SIZE: setting(byteSize.default(50 * 1024 * 1024), {
    group: 'api',
    shownDefault: '50MiB',
    description:
      'what the files a citizen uploads to one online dossier (or draft) may add up to (413 beyond it, in Vietnamese; each file also within `TTHC_UPLOAD_MAX_SIZE`)',
  }),
  TTHC_DRAFT_RETENTION: setting(count(1).max(365, 'must be ≤ 365').default(30), {
    group: 'api',
    description:
      'days a citizen’s untouched online draft is kept; then the API’s hourly sweep removes it with its uploaded files (docs/citizen.md)',
  }),
  TTHC_PAYMENT_URL: setting(
    z.url('must be a URL such as https://pay.example.vn/paymentv2/vpcpay.html').optional(),
    {
      group: 'api',
      shownDefault: '(none: no online payment; `npm start` runs the gateway emulator)',
      description:
        'the payment gateway’s payment page (VNPay-style signed redirect, docs/citizen.md); with `TTHC_PAYMENT_TMN_CODE` and `TTHC_PAYMENT_HASH_SECRET` it turns online payment on',
    },
  ),
  TTHC_PAYMENT_TMN_CODE: setting(
    z
      .string()
      .regex(/^[A-Z0-9]{8}$/, 'must be the 8-character merchant code the gateway gave')
      .optional(),
    {
      group: 'api',
      shownDefault: '(none)',
      description: 'the merchant code (vnp_TmnCode) at the payment gateway',
    },
  ),
  TTHC_PAYMENT_HASH_SECRET: setting(z.string().min(16, 'must be at least 16 characters').optional(), {
    group: 'api',
    shownDefault: '(none)',
    secret: true,
    description:
      'the merchant’s hash secret at the payment gateway (HMAC-SHA512 of redirects and notifications); keep it out of the repository',
  }),
  TTHC_API_REQUEST_TIMEOUT: setting(
    duration.refine((ms) => ms >= 1_000, 'must be at least 1s').default(30_000),
    {
      group: 'api',
      shownDefault: '30s',
      description:
        'how long a client may take to send a whole request (408 after it; slow-client protection; the event stream is not affected)',
    },
  ),
  TTHC_CORS_ORIGINS: setting(origins('https://mot-cua.example.gov.vn').optional(), {
    group: 'api',
    shownDefault: '(none)',
    description:
      'other web origins allowed to call the API from a browser (CORS, without cookies); none by default: the console is served by the API itself',
  }),
  TTHC_RATE_LIMIT_SIGNIN: setting(count(1).default(20), {
    group: 'api',
    description:
      'sign-in requests (`/auth/login`, `/auth/callback`) per minute from one address; 429 beyond it',
  }),
  TTHC_RATE_LIMIT_WRITES: setting(count(1).default(600), {
    group: 'api',
    description:
      'state-changing requests (POST, PUT, DELETE under `/v1`) per minute by one official (or one address before sign-in); 429 beyond it',
  }),
  TTHC_RATE_LIMIT_LOOKUP: setting(count(1).default(60), {
    group: 'api',
    description: 'citizen lookups (`/v1/lookup/…`) per minute from one address; 429 beyond it',
  }),
  TTHC_LOOKUP_LOCKOUT_ATTEMPTS: setting(count(1).max(100, 'must be ≤ 100').default(5), {
    group: 'api',
    description:
      'wrong lookup secrets for one dossier code, within the lockout duration, after which that code’s lookup is locked (429 with the time to retry)',
  }),
  TTHC_LOOKUP_LOCKOUT_DURATION: setting(
    duration.refine((ms) => ms >= 1_000 && ms <= 86_400_000, 'must be from 1s to 24h').default(900_000),
    {
      group: 'api',
      shownDefault: '15m',
      description: 'how long a dossier code’s lookup stays locked after too many wrong secrets',
    },
  ),
  TTHC_OIDC_ISSUER: setting(
    z
      .url('must be the issuer URL of an OpenID Connect provider, e.g. https://id.example.gov.vn/realms/tthc')
      .optional(),
    {
      group: 'sign-in',
      shownDefault: '(the embedded provider)',
      description:
        'the OpenID Connect provider officials sign in with (its discovery document is read at start; a wrong URL stops the API with exit code 2); unset, `npm start` runs the embedded provider (docs/identity.md)',
    },
  ),
  TTHC_OIDC_AUDIENCE: setting(z.string().min(1).max(200).default('tthc-api'), {
    group: 'sign-in',
    description: 'the `aud` the API requires in access tokens',
  }),
  TTHC_OIDC_CLIENT_ID: setting(z.string().min(1).max(200).default('tthc-console'), {
    group: 'sign-in',
    description: 'the console’s client at the provider (authorization code flow with PKCE)',
  }),
  TTHC_OIDC_CLIENT_SECRET: setting(z.string().min(1).optional(), {
    group: 'sign-in',
    shownDefault: '(none: a public client)',
    secret: true,
    description: 'the console client’s secret, when the provider registers it as confidential',
  }),
  TTHC_OIDC_CLI_CLIENT_ID: setting(z.string().min(1).max(200).default('tthc-cli'), {
    group: 'sign-in',
    description: 'the client `tthc login` uses (device authorization flow, a public client)',
  }),
  TTHC_OIDC_SCOPES: setting(
    z
      .string()
      .regex(/^[\x21-\x7E]+( [\x21-\x7E]+)*$/, 'must be scope names separated by single spaces')
      .refine((text) => text.split(' ').includes('openid'), 'must include openid')
      .default('openid profile'),
    {
      group: 'sign-in',
      description: 'the scopes the console and `tthc login` ask for',
    },
  ),
  TTHC_OIDC_CLAIM_ID: setting(claimPath.default('sub'), {
    group: 'sign-in',
    description:
      'the access-token claim that holds the official’s id (the id the dossiers and the role table record)',
  }),
  TTHC_OIDC_CLAIM_NAME: setting(claimPath.default('name'), {
    group: 'sign-in',
    description: 'the claim with the official’s full name (the id when absent)',
  }),
  TTHC_OIDC_CLAIM_UNIT: setting(claimPath.default('unit'), {
    group: 'sign-in',
    description: 'the claim with the official’s unit code; absent, the role-assignment table gives it',
  }),
  TTHC_OIDC_CLAIM_ROLE: setting(claimPath.default('role'), {
    group: 'sign-in',
    description:
      'the claim with the official’s role (a string, or a list of which one official role is taken, e.g. `realm_access.roles`); absent, the role-assignment table gives it',
  }),
  TTHC_OIDC_ROLE_VALUES: setting(roleValueMap.optional(), {
    group: 'sign-in',
    shownDefault: '(the role names themselves)',
    description:
      'the provider’s names for the official roles, e.g. `tthc-mot-cua=counter-officer,tthc-lanh-dao=leader`',
  }),
  TTHC_OIDC_CLOCK_SKEW: setting(
    duration.refine((ms) => ms <= 300_000, 'must be at most 5m').default(60_000),
    {
      group: 'sign-in',
      shownDefault: '60s',
      description: 'the clock difference tolerated when checking `exp`, `nbf` and `iat` (at most 5m)',
    },
  ),
  TTHC_OIDC_MAX_TOKEN_LIFETIME: setting(
    duration
      .refine((ms) => ms >= 60_000 && ms <= 86_400_000, 'must be from 1m to 24h')
      .default(12 * 3_600_000),
    {
      group: 'sign-in',
      shownDefault: '12h',
      description: 'access tokens whose lifetime (`exp` − `iat`) is longer are refused',
    },
  ),
  TTHC_PUBLIC_URL: setting(z.url('must be a URL such as https://mot-cua.example.gov.vn').optional(), {
    group: 'sign-in',
    shownDefault: '(http://127.0.0.1:<TTHC_API_PORT>)',
    description:
      'the API’s address as browsers, citizens and outside systems reach it: the console’s redirect URI is `<TTHC_PUBLIC_URL>/auth/callback`, with https the session cookie is Secure; the result links sent to the portal are made absolute with it',
  }),
  TTHC_DEV_SHARED_SECRET_TOKENS: setting(flag().default(false), {
    group: 'sign-in',
    description:
      'development only: also accept officials’ tokens signed with `TTHC_TOKEN_SECRET` (`tthc token issue`); never in production',
  }),
  TTHC_CODEC_ORIGINS: setting(origins('https://temporal-ui.example.gov.vn').optional(), {
    group: 'api',
    shownDefault: '(the local Web UI)',
    description:
      'origins allowed to call the codec endpoint `/codec` (the Temporal Web UI); `npm start` allows its own Web UI',
  }),
  TTHC_TEMPORAL_UI_URL: setting(
    z.url('must be a URL such as https://temporal-ui.example.gov.vn').optional(),
    {
      group: 'api',
      shownDefault: '(the local Web UI)',
      description:
        'the Temporal Web UI, for the console’s link from a dossier to its history (decoded through `/codec` for supervisors and administrators)',
    },
  ),
  TTHC_PORTAL_URL: setting(z.url('must be a URL such as https://dichvucong.gov.vn/…').optional(), {
    group: 'integrations',
    shownDefault: '(npm start: its emulator)',
    description:
      'the national portal’s integration address (the adapter URL); required with TTHC_PORTAL_SYNC=true; `npm start` runs an emulator and uses it unless this is set',
  }),
  TTHC_PORTAL_AUTH_PATH: setting(
    z
      .string()
      .regex(/^\/\S*$/, 'must be a path such as /api/login')
      .default('/api/login'),
    {
      group: 'integrations',
      description: 'the portal’s login path (a session), under TTHC_PORTAL_URL',
    },
  ),
  TTHC_PORTAL_SERVICE_PATH: setting(
    z
      .string()
      .regex(/^\/\S*$/, 'must be a path such as /api/service')
      .default('/api/service'),
    {
      group: 'integrations',
      description: 'the portal’s integration path (DongBoHoSoMC, CapNhatTienDoHoSoMC), under TTHC_PORTAL_URL',
    },
  ),
  TTHC_PORTAL_USERNAME: setting(z.string().min(1).default('tthc-flow'), {
    group: 'integrations',
    description: 'the province’s account at the portal (the default is the emulator’s)',
  }),
  TTHC_PORTAL_PASSWORD: setting(z.string().min(1).default('tthc-flow-dev'), {
    group: 'integrations',
    shownDefault: '(the emulator’s)',
    secret: true,
    description: 'the account’s password (keep it out of the repository)',
  }),
  TTHC_PORTAL_UNIT_CODE: setting(
    z
      .string()
      .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'must be a unit code such as 000.00.00.H99')
      .default('000.00.00.H99'),
    {
      group: 'integrations',
      description: 'the unit the account syncs for (`madonvi`): the province’s code at the portal',
    },
  ),
  TTHC_PORTAL_TIMEOUT: setting(duration.refine((ms) => ms >= 100, 'must be at least 100ms').default(10_000), {
    group: 'integrations',
    shownDefault: '10s',
    description: 'how long the portal has to answer a request before it is tried again (with backoff)',
  }),
  TTHC_SMS_GATEWAY_URL: setting(z.url('must be a URL such as https://sms.example.vn/api/send').optional(), {
    group: 'integrations',
    shownDefault: '(npm start: its emulator)',
    description:
      'the SMS brandname gateway’s send address (HTTP, JSON, an idempotency key per message); required with TTHC_NOTIFIER=true',
  }),
  TTHC_SMS_GATEWAY_TOKEN: setting(z.string().min(1).default('tthc-flow-dev'), {
    group: 'integrations',
    shownDefault: '(the emulator’s)',
    secret: true,
    description: 'the gateway’s API key (sent as a bearer token)',
  }),
  TTHC_SMS_SENDER: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9.\-_ ]{1,11}$/, 'must be a brandname of 1–11 letters, digits, . - _ or spaces')
      .default('MOTCUA'),
    {
      group: 'integrations',
      description: 'the SMS brandname the messages come from',
    },
  ),
  TTHC_SMTP_URL: setting(
    z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'must be smtp://host:port or smtps://user:pass@host:port')
      .optional(),
    {
      group: 'integrations',
      shownDefault: '(npm start: its receiver)',
      secret: true,
      description:
        'the mail server the notifier sends through (nodemailer URL; may hold a user and password); required with TTHC_NOTIFIER=true',
    },
  ),
  TTHC_MAIL_FROM: setting(z.string().min(3).default('"Bộ phận Một cửa" <khong-tra-loi@motcua.local>'), {
    group: 'integrations',
    description: 'the sender of the applicants’ e-mails',
  }),
  TTHC_NOTIFIER_MAX_ATTEMPTS: setting(count(1).max(100, 'must be ≤ 100').default(10), {
    group: 'integrations',
    description:
      'deliveries of one message the notifier tries while the gateway or mail server cannot take it (backoff 2 s doubling to 5 min) before it reports it failed on the dossier’s timeline',
  }),
  TTHC_API_URL: setting(
    z.string().url('must be a URL such as http://127.0.0.1:3000').default('http://127.0.0.1:3000'),
    {
      group: 'tooling',
      description: 'where `tthc dossier …` finds the HTTP API',
    },
  ),
  TTHC_TOKEN: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '(none)',
    secret: true,
    description:
      'the bearer token the `tthc` commands over the HTTP API send (an access token of the provider; else the one `tthc login` stored)',
  }),
  TTHC_TOKEN_FILE: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '~/.config/tthc/token.json',
    description: 'where `tthc login` stores the access token (mode 0600) and the other commands read it',
  }),
  TTHC_TEMPORAL_PORT: setting(port(7233), {
    group: 'local stack',
    description: '`npm start`: Temporal gRPC',
  }),
  TTHC_TEMPORAL_UI_PORT: setting(port(8233), {
    group: 'local stack',
    description: '`npm start`: Temporal Web UI',
  }),
  TTHC_NATS_PORT: setting(port(4222), {
    group: 'local stack',
    description: '`npm start`: NATS',
  }),
  TTHC_OIDC_PORT: setting(port(3001), {
    group: 'local stack',
    description:
      '`npm start`: the embedded OpenID Connect provider (issuer `http://127.0.0.1:<port>`), unless `TTHC_OIDC_ISSUER` names another',
  }),
  TTHC_PORTAL_EMULATOR_PORT: setting(port(8091), {
    group: 'local stack',
    description: '`npm start`: the national portal’s emulator (its admin API under /admin)',
  }),
  TTHC_SMS_EMULATOR_PORT: setting(port(8092), {
    group: 'local stack',
    description: '`npm start`: the SMS gateway’s emulator (what it received: /admin/messages)',
  }),
  TTHC_SMTP_PORT: setting(port(2525), {
    group: 'local stack',
    description: '`npm start`: the embedded SMTP receiver',
  }),
  TTHC_MAILBOX_PORT: setting(port(8025), {
    group: 'local stack',
    description: '`npm start`: the page where officials see the e-mails and SMS the applicants were sent',
  }),
  TTHC_PAYMENT_EMULATOR_PORT: setting(port(8093), {
    group: 'local stack',
    description:
      '`npm start`: the payment gateway’s emulator (its payment page), unless `TTHC_PAYMENT_URL` names a gateway',
  }),
  TTHC_TOOLS_DIR: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '.tools',
    description: 'where `npm run setup` installs the server binaries',
  }),
  TTHC_TEMPORAL_CLI: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '(installed)',
    description: 'use this Temporal CLI binary instead of the installed one',
  }),
  TTHC_TEMPORAL_TEST_SERVER: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '(installed)',
    description: 'use this time-skipping test server binary instead of the installed one',
  }),
  TTHC_NATS_SERVER: setting(z.string().min(1).optional(), {
    group: 'tooling',
    shownDefault: '(installed)',
    description: 'use this nats-server binary instead of the installed one',
  }),
  TTHC_DEBUG: setting(z.string().optional(), {
    group: 'tooling',
    shownDefault: '(unset)',
    description: 'any value: the `tthc` command prints stack traces with its errors',
  }),
  TTHC_RECORD_HISTORIES: setting(z.string().optional(), {
    group: 'tooling',
    shownDefault: '(unset)',
    description: '`1`: the lifecycle tests (re)write the recorded workflow histories used by the replay test',
  }),
  TTHC_TEST_LOG_LEVEL: setting(logLevel.default('warn'), {
    group: 'tooling',
    description:
      'level of the logs the tests write; `npx vitest run` prints a test’s logs only when it fails (`--silent=false`: every test’s)',
  }),
};

export type SettingName = keyof typeof settings;
type Shape = { [K in SettingName]: (typeof settings)[K]['schema'] };

const shape = Object.fromEntries(
  Object.entries(settings).map(([name, definition]) => [name, definition.schema]),
) as Shape;

export const configSchema = z.object(shape);

/** Checks across settings: the organisation loads and every unit in TTHC_TASK_QUEUES is in it. */
function crossCheck(values: Record<string, string>): z.core.$ZodIssue[] {
  const organisationName = settings.TTHC_ORGANISATION.schema.safeParse(values.TTHC_ORGANISATION);
  if (!organisationName.success) return [];
  let organisation: ReturnType<typeof loadOrganisation>;
  try {
    organisation = loadOrganisation(organisationName.data);
  } catch (error) {
    return [
      issue('TTHC_ORGANISATION', `names no loadable organisation: ${firstLine((error as Error).message)}`),
    ];
  }
  const queues = settings.TTHC_TASK_QUEUES.schema.safeParse(values.TTHC_TASK_QUEUES);
  if (!queues.success || queues.data === 'all') return [];
  const unknown = queues.data.filter((code) => !organisation.has(code));
  if (unknown.length === 0) return [];
  return [
    issue(
      'TTHC_TASK_QUEUES',
      `must be all, none or a comma-separated list of unit codes; not in organisation "${organisationName.data}": ${unknown.join(', ')}`,
    ),
  ];
}

function issue(name: SettingName, message: string): z.core.$ZodIssue {
  return { code: 'custom', path: [name], message, input: undefined };
}

export type Config = z.infer<typeof configSchema> & { TTHC_KEYRING_FILE: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
  }
}

/** Empty values count as unset (compose's `${VAR:-}` and the like). */
function settingsFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(settings)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') values[name] = value.trim();
  }
  return values;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], values: Record<string, string>): ConfigError {
  const variables: string[] = [];
  const parts = issues.map((issue) => {
    const name = String(issue.path[0] ?? '(configuration)');
    variables.push(name);
    const definition = settings[name as SettingName];
    const value = values[name];
    const got = value === undefined || definition?.secret ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name} ${issue.message}${got}`;
  });
  return new ConfigError(`invalid configuration: ${parts.join('; ')}`, [...new Set(variables)]);
}

/** Reads and validates every setting; throws a ConfigError with one line naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values = settingsFrom(env);
  const result = configSchema.safeParse(values);
  const issues = [...(result.success ? [] : result.error.issues), ...crossCheck(values)];
  if (!result.success || issues.length > 0) throw describeIssues(issues, values);
  const config = result.data;
  return {
    ...config,
    TTHC_DATA_DIR: resolve(config.TTHC_DATA_DIR),
    TTHC_KEYRING_FILE: resolve(config.TTHC_KEYRING_FILE ?? join(config.TTHC_DATA_DIR, 'keyring.json')),
    TTHC_WORKFLOW_BUNDLE: isAbsolute(config.TTHC_WORKFLOW_BUNDLE)
      ? config.TTHC_WORKFLOW_BUNDLE
      : join(projectRoot, config.TTHC_WORKFLOW_BUNDLE),
  };
}

/** Reads one setting (validated, defaulted) without requiring the others to be valid. */
export function readSetting<K extends SettingName>(name: K, env: NodeJS.ProcessEnv = process.env): Config[K] {
  const values = settingsFrom(env);
  const result = settings[name].schema.safeParse(values[name]);
  if (!result.success) {
    throw describeIssues(
      result.error.issues.map((issue) => ({ ...issue, path: [name, ...issue.path] })),
      values,
    );
  }
  return result.data as Config[K];
}

/** Where the keyring comes from (TTHC_KEYRING, else TTHC_KEYRING_FILE, else the data directory's keyring.json). */
export function keyringSettings(env: NodeJS.ProcessEnv = process.env): {
  TTHC_KEYRING?: string;
  TTHC_KEYRING_FILE: string;
} {
  const file =
    readSetting('TTHC_KEYRING_FILE', env) ?? join(readSetting('TTHC_DATA_DIR', env), 'keyring.json');
  return { TTHC_KEYRING: readSetting('TTHC_KEYRING', env), TTHC_KEYRING_FILE: resolve(file) };
}

/** Replicas of the domain-event stream and the personal-data access log (TTHC_STREAM_REPLICAS). */
export function streamReplicas(env: NodeJS.ProcessEnv = process.env): number {
  return readSetting('TTHC_STREAM_REPLICAS', env);
}

export interface SettingRow {
  name: SettingName;
  group: SettingGroup;
  default: string;
  description: string;
}

/** Every setting with its default and meaning, in declaration order (docs/operations.md shows it). */
export const settingsTable: readonly SettingRow[] = Object.entries(settings).map(([name, definition]) => {
  const parsed = (definition.schema as z.ZodType).safeParse(undefined);
  const shown =
    definition.shownDefault ??
    (parsed.success && parsed.data !== undefined ? String(parsed.data) : '(unset)');
  return {
    name: name as SettingName,
    group: definition.group,
    default: shown,
    description: definition.description,
  };
});

export const settingNames: readonly SettingName[] = settingsTable.map((row) => row.name);

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
