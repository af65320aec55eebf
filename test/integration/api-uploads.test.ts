/**
 * POST /v1/uploads: a component sent as the request body, typed from its content, limited in size
 * while it arrives, stored encrypted; an upload refused or cut off stores nothing; a dossier
 * received with the uploaded ref digitizes it.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect as connectSocket } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { testLogger } from '../support/test-logging.js';

const secret = generateSecret();
const limit = 64 * 1024;
let system: DossierTestSystem;
let app: FastifyInstance;
let port: number;

/** The smallest files of each type that a type sniffer recognises. */
const files = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  jpeg: Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0xff, 0xd9,
  ]),
  png: Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    Buffer.from('IHDR'),
    Buffer.alloc(17),
  ]),
};

async function tokenFor(role: OfficialRole, unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role }, '1h'))
    .token;
}

async function upload(body: Buffer, name: string, token?: string) {
  return app.inject({
    method: 'POST',
    url: `/v1/uploads?name=${encodeURIComponent(name)}`,
    headers: {
      'content-type': 'application/octet-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    payload: body,
  });
}

async function storedObjects(): Promise<number> {
  const dir = join(system.dataDir, 'documents', 'objects');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.endsWith('.json')).length;
}

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: false });
  const organisation = loadOrganisation('demo');
  app = await buildApiServer({
    logger: testLogger('api-uploads'),
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    documents: system.documents,
    accessLog: await AccessLog.open(system.nc),
    indicators: new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures),
    organisation,
    secret,
    // Officials' tokens here are signed with the secret: a development setting, on in this API only.
    devSharedSecretTokens: true,
    uploadLimitBytes: limit,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

describe('POST /v1/uploads', () => {
  it('stores a PDF, a JPEG and a PNG, typed from their content, under a cleaned name', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    for (const [name, body, mediaType, stored] of [
      ['../../Căn cước công dân.PDF', files.pdf, 'application/pdf', 'Căn cước công dân.pdf'],
      ['ảnh thẻ.jpg', files.jpeg, 'image/jpeg', 'ảnh thẻ.jpg'],
      ['scan', files.png, 'image/png', 'scan.png'],
    ] as const) {
      const response = await upload(body, name, counter);
      expect(response.statusCode, response.body).toBe(201);
      const sha256 = createHash('sha256').update(body).digest('hex');
      expect(response.json()).toEqual({
        ref: `sha256:${sha256}`,
        sha256,
        size: body.byteLength,
        mediaType,
        name: stored,
      });
      const kept = await system.documents.get(`sha256:${sha256}`);
      expect(Buffer.from(kept?.content ?? []).equals(body)).toBe(true);
      expect(kept?.meta).toMatchObject({ mediaType, name: stored });
    }
  });

  it('refuses another type (415) and an empty body, whatever the name says; nothing is stored', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    const before = await storedObjects();
    const text = await upload(Buffer.from('<html>not a scan</html>'), 'scan.pdf', counter);
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'UNSUPPORTED_TYPE' });
    expect(text.json().error).toContain('Chỉ nhận tệp PDF, JPEG hoặc PNG');
    const zip = await upload(Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(40)]), 'a.png', counter);
    expect(zip.statusCode).toBe(415);
    expect((await upload(Buffer.alloc(0), 'empty.pdf', counter)).statusCode).toBe(415);
    expect(await storedObjects()).toBe(before);
  });

  it('refuses a file above the limit (413, in Vietnamese) as it arrives; nothing is stored', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    const before = await storedObjects();
    const big = Buffer.concat([files.pdf, Buffer.alloc(limit)]);
    const response = await upload(big, 'big.pdf', counter);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'TOO_LARGE' });
    expect(response.json().error).toContain('Tệp vượt quá dung lượng cho phép 64 KB');
    expect(await storedObjects()).toBe(before);
  });

  it('takes a body sent in small chunks over the network, and refuses one that grows past the limit with a 413 the client reads', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    const send = (pieces: Buffer[]) =>
      fetch(`http://127.0.0.1:${port}/v1/uploads?name=chunked.pdf`, {
        method: 'POST',
        headers: { authorization: `Bearer ${counter}`, 'content-type': 'application/pdf' },
        duplex: 'half',
        body: new ReadableStream({
          async pull(controller) {
            const piece = pieces.shift();
            if (piece) controller.enqueue(piece);
            else controller.close();
          },
        }),
      } as RequestInit);
    // The type's magic number split across pieces: the first bytes are held back until it is read.
    const body = Buffer.concat([files.pdf, Buffer.alloc(40 * 1024, `chunked ${Date.now()} `)]);
    const pieces = [
      body.subarray(0, 3),
      ...Array.from({ length: Math.ceil((body.byteLength - 3) / 1000) }, (_, i) =>
        body.subarray(3 + i * 1000, 3 + (i + 1) * 1000),
      ),
    ];
    const stored = await send(pieces);
    expect(stored.status).toBe(201);
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(await stored.json()).toMatchObject({
      sha256,
      size: body.byteLength,
      mediaType: 'application/pdf',
    });
    expect(Buffer.from((await system.documents.get(`sha256:${sha256}`))?.content ?? []).equals(body)).toBe(
      true,
    );

    const before = await storedObjects();
    const tooBig = await send([files.pdf, ...Array.from({ length: 80 }, () => Buffer.alloc(1024, 'x'))]);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: string }).error).toContain(
      'Tệp vượt quá dung lượng cho phép 64 KB',
    );
    expect(await storedObjects()).toBe(before);
  });

  it('stores nothing when the connection drops mid-upload', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    const before = await storedObjects();
    const partial = Buffer.concat([files.pdf, Buffer.from(`cut off ${Date.now()}`)]);
    await new Promise<void>((resolve, reject) => {
      const socket = connectSocket(port, '127.0.0.1', () => {
        socket.write(
          `POST /v1/uploads?name=cut.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${counter}\r\n` +
            'Content-Type: application/pdf\r\nContent-Length: 5000\r\n\r\n',
        );
        socket.write(partial, () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', reject);
    });
    // The server got part of the body, then the socket closed; a request after it is served as usual.
    expect((await upload(files.pdf, 'again.pdf', counter)).statusCode).toBe(201);
    const sha256 = createHash('sha256').update(partial).digest('hex');
    expect(await system.documents.has(`sha256:${sha256}`)).toBe(false);
    expect(await storedObjects()).toBe(before);
  });

  it('is for counter officers: 403 for other roles, 401 without a token', async () => {
    for (const [role, unit] of [
      ['specialist', demoUnits.camThanhCommittee],
      ['supervisor', '000.00.00.H99'],
    ] as const) {
      const response = await upload(files.pdf, 'a.pdf', await tokenFor(role, unit));
      expect(response.statusCode, role).toBe(403);
    }
    expect((await upload(files.pdf, 'a.pdf')).statusCode).toBe(401);
  });

  it('an uploaded component is digitized when a dossier is received with its ref', async () => {
    const counter = await tokenFor('counter-officer', demoUnits.camThanhOneStop);
    const form = (
      await upload(Buffer.concat([files.pdf, Buffer.from('de nghi')]), 'đề nghị.pdf', counter)
    ).json();
    const papers = (
      await upload(Buffer.concat([files.pdf, Buffer.from('giay to')]), 'giấy tờ.pdf', counter)
    ).json();
    const received = await app.inject({
      method: 'POST',
      url: '/v1/dossiers',
      headers: { authorization: `Bearer ${counter}` },
      payload: {
        application: {
          requestId: `upload-${process.pid}-${Date.now()}`,
          procedureCode: '1.001612',
          applicant: { type: 'citizen', fullName: 'Người Tải Lên', idNumber: '079111222333' },
          channel: 'counter',
          receivingUnit: demoUnits.camThanhOneStop,
          competentAgency: demoUnits.camThanhCommittee,
          documents: [
            { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: form.ref },
            { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: papers.ref },
          ],
        },
      },
    });
    expect(received.statusCode, received.body).toBe(201);
    const view = await system.client.get(received.json().code);
    expect(
      view.state.components
        .filter((c) => c.digitized)
        .map((c) => c.ref)
        .sort(),
    ).toEqual([form.ref, papers.ref].sort());
  });
});
