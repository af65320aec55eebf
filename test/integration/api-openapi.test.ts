/**
 * The OpenAPI document generated from the route schemas: valid OpenAPI 3.1, and covering every
 * route registered in Fastify (method and path). No servers are needed to build it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../api/auth.js';
import { buildApiServer, registeredRoutes } from '../../api/server.js';
import type { AccessLog } from '../../audit/access-log.js';
import type { DossierClient } from '../../client/dossier-client.js';
import { actionNames } from '../../domain/dossier/dossier-actions.js';
import type { DocumentStore } from '../../infra/document-store.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

let app: FastifyInstance;
let document: OpenApiDocument;

beforeAll(async () => {
  app = await buildApiServer({
    temporal: {} as Client,
    dossiers: {} as DossierClient,
    nc: {} as NatsConnection,
    documents: {} as DocumentStore,
    accessLog: {} as AccessLog,
    organisation: loadOrganisation('demo'),
    secret: generateSecret(),
    logger: createLogger({ level: 'silent' }),
  });
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json() as OpenApiDocument;
});
afterAll(() => app?.close());

/** Fastify's `/v1/dossiers/:code` is OpenAPI's `/v1/dossiers/{code}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(document) as unknown as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route registered in Fastify, and nothing else', () => {
    const registered = registeredRoutes(app)
      .filter((route) => !route.hidden && route.method !== 'HEAD')
      .map((route) => `${route.method} ${openApiPath(route.url)}`)
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual(registered);
    expect(registered.length).toBeGreaterThan(30);
    // Hidden are only the docs page's own assets, the document itself, and the CORS preflight
    // the codec endpoint answers for the Temporal Web UI (@fastify/cors).
    for (const route of registeredRoutes(app).filter((r) => r.hidden)) {
      if (route.method === 'OPTIONS' && route.url === '/codec*') continue;
      expect(route.url).toMatch(/^\/(docs|openapi\.json)/);
    }
  });

  it('has a route per action, with its body schema', () => {
    for (const action of actionNames) {
      const operation = document.paths[`/v1/dossiers/{code}/actions/${action}`]?.post as
        | { requestBody?: { content: Record<string, { schema: unknown }> } }
        | undefined;
      expect(operation?.requestBody?.content['application/json']?.schema, action).toBeTruthy();
    }
  });

  it('documents the actions the dossier view offers', () => {
    const view = document.components.schemas.DossierView as { required?: string[] };
    expect(view.required).toContain('actions');
    const offered = document.components.schemas.OfferedAction as {
      properties: Record<string, { enum?: string[] }>;
      required?: string[];
    };
    expect(offered.properties.name?.enum).toEqual(actionNames);
    expect(Object.keys(offered.properties).sort()).toEqual(['allowed', 'code', 'name', 'reason', 'title']);
    expect(offered.required?.sort()).toEqual(['allowed', 'name', 'title']);
  });

  it('marks which routes need a token', () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/v1/lookup/{code}']?.get?.security).toEqual([]);
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(document.paths['/v1/dossiers/{code}']?.get?.security).toBeUndefined();
    expect(document.paths['/v1/dossiers/{code}']?.get?.responses).toHaveProperty('403');
  });

  it('is served with the docs page', async () => {
    let response = await app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; response.statusCode === 302 && hops < 3; hops++) {
      const location = String(response.headers.location);
      response = await app.inject({
        method: 'GET',
        url: location.startsWith('/') ? location : `/docs/${location}`,
      });
    }
    expect(response.statusCode).toBe(200);
    expect(response.body.toLowerCase()).toContain('swagger');
  });
});
