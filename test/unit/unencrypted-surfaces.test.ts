/**
 * What Temporal and NATS keep unencrypted holds no personal data (issue: personal data protected
 * end to end, item 2): the search attributes, and every field of the schemas of what is published
 * on NATS or kept in its KV buckets, are enumerated here; a field whose name says it is personal
 * fails the test, and so does a new field or an open bag of fields nobody has looked at.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accessEntrySchema } from '../../audit/access-entry.js';
import { allSearchAttributeKeys } from '../../contract/search-attributes.js';
import { dossierEventSchema } from '../../events/dossier-event-schema.js';
import { openDetails, sealDetails } from '../../events/event-details.js';
import { feedbackEventSchema } from '../../events/feedback-event-schema.js';
import { notificationMessageSchema } from '../../events/notification-message.js';
import { digitizedRecordSchema } from '../../infra/digitized-registry.js';
import { deliveryRecordSchema } from '../../notifications/notification-store.js';
import { portalDeadLetterSchema, portalResendReplySchema } from '../../portal/portal-sync-service.js';
import { portalSyncStatsSchema, syncCursorSchema } from '../../portal/portal-sync-store.js';

/** Names that say a field holds a citizen's personal data. */
const personal =
  /(full.?name|^name$|id.?number|tax.?code|phone|e.?mail|address|birth|representative|submitter|applicant(?!Key)|contact|content|citizen(?!.*Type)|person)/i;

/** Fields whose names look personal but are not, each with the reason. */
const reviewed: Record<string, string> = {
  'facts.fees[].name': 'the name of a fee in the catalogue (DanhSachPhiLePhi), not of a person',
  'official.name': 'the official who read the data: accountability needs it; no citizen data',
  applicantKey: 'an HMAC under the keyring’s pseudonym secret, not reversible without it',
  'facts.submitterType': 'citizen or organisation (indicator 5.1), not who',
  sealedContent:
    'the text and the applicant’s contact, sealed with the dossier’s data key (events/notification-message.ts)',
};

/** Open bags of fields, each with the reason nothing personal goes in. */
const reviewedOpenBags: Record<string, string> = {
  data: 'published empty: the details travel sealed in sealedData (events/event-details.ts)',
  'facts.evaluation.scores': 'TT 01/2018 criterion ids and their scores',
};

interface FieldPath {
  path: string;
  open: boolean;
}

/** Every field path of a schema (from its JSON Schema), and whether a path admits any key. */
function fieldsOf(schema: z.ZodType): FieldPath[] {
  const out: FieldPath[] = [];
  const root = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  const definitions = (root.$defs ?? {}) as Record<string, Record<string, unknown>>;
  const visit = (node: Record<string, unknown>, path: string) => {
    const ref = node.$ref as string | undefined;
    if (ref) return visit(definitions[ref.replace('#/$defs/', '')] ?? {}, path);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      for (const branch of (node[key] as Array<Record<string, unknown>> | undefined) ?? [])
        visit(branch, path);
    }
    if (node.type === 'array' && node.items) visit(node.items as Record<string, unknown>, `${path}[]`);
    const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
    for (const [key, value] of Object.entries(properties ?? {})) {
      const child = path ? `${path}.${key}` : key;
      out.push({ path: child, open: false });
      visit(value, child);
    }
    const extra = node.additionalProperties;
    if (extra !== undefined && extra !== false && !properties) out.push({ path, open: true });
  };
  visit(root, '');
  return out;
}

const published = {
  'dossier events (TTHC_EVENTS, tthc.dossier.>)': dossierEventSchema,
  'feedback events (TTHC_EVENTS, tthc.feedback.>)': feedbackEventSchema,
  'access log (TTHC_ACCESS_LOG)': accessEntrySchema,
  'digitized registry (KV tthc_digitized)': digitizedRecordSchema,
  'applicant notifications (TTHC_NOTIFICATIONS, tthc.notify.>)': notificationMessageSchema,
  'portal sync dead letters (TTHC_DEAD_LETTERS, tthc.dead.tthc_portal_sync.>)': portalDeadLetterSchema,
  'portal sync cursors (KV tthc_portal_sync, d.<dossier>)': syncCursorSchema,
  'portal sync counts (KV tthc_portal_sync, stats)': portalSyncStatsSchema,
  'portal resend replies (tthc.portal.resend)': portalResendReplySchema,
  'notifier records (KV tthc_notifications)': deliveryRecordSchema,
};

describe('what is kept unencrypted', () => {
  it('search attributes: unit codes, procedure, status, dates, channel; nothing personal', () => {
    const names = allSearchAttributeKeys.map((key) => key.name);
    for (const name of names) expect(name, name).not.toMatch(personal);
    expect(names.sort()).toEqual([
      'DossierChannel',
      'DossierCompetentAgency',
      'DossierDueAt',
      'DossierOverdue',
      'DossierProcedure',
      'DossierReceivingUnit',
      'DossierStatus',
    ]);
  });

  for (const [what, schema] of Object.entries(published)) {
    it(`${what}: no personal field, no open bag nobody reviewed`, () => {
      const fields = fieldsOf(schema);
      expect(fields.length).toBeGreaterThan(3);
      const personalFields = fields
        .filter((f) => !f.open && personal.test(f.path.split('.').at(-1)?.replace('[]', '') ?? ''))
        .map((f) => f.path.replace(/\[\]/g, '[]'))
        .filter((path) => !(path in reviewed) && !((path.split('.').at(-1) as string) in reviewed));
      expect(personalFields, what).toEqual([]);
      const openBags = fields.filter((f) => f.open).map((f) => f.path);
      expect(
        openBags.filter((path) => !(path in reviewedOpenBags)),
        what,
      ).toEqual([]);
    });
  }

  it('the check itself finds a personal field and an unreviewed bag', () => {
    const leaky = z.strictObject({
      facts: z.strictObject({ applicant: z.strictObject({ fullName: z.string(), phone: z.string() }) }),
      extra: z.record(z.string(), z.unknown()),
    });
    const fields = fieldsOf(leaky);
    expect(fields.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'facts.applicant',
        'facts.applicant.fullName',
        'facts.applicant.phone',
        'extra',
      ]),
    );
    expect(fields.filter((f) => personal.test(f.path.split('.').at(-1) ?? '')).length).toBe(3);
    expect(fields.some((f) => f.path === 'extra' && f.open)).toBe(true);
  });
});

describe('event details', () => {
  const keys = {
    sealed: new Map<string, Uint8Array>(),
    async seal(subject: string, plaintext: Uint8Array, context: string) {
      const box = new TextEncoder().encode(`${subject}|${context}|${Buffer.from(plaintext).toString('hex')}`);
      return box;
    },
    async open(subject: string, sealed: Uint8Array, context: string) {
      const [s, c, hex] = new TextDecoder().decode(sealed).split('|');
      if (s !== subject || c !== context) throw new Error('wrong subject or event');
      return Buffer.from(hex as string, 'hex');
    },
  };
  const event: { id: string; data: Record<string, unknown>; sealedData?: string } = {
    id: '000.01.41.H99-261206-0001:3',
    data: { reason: 'Ông Nguyễn Văn A thiếu giấy' },
  };

  it('are published empty with the details sealed, bound to the event, and open again', async () => {
    const sealed = await sealDetails(event, '000.01.41.H99-261206-0001', keys);
    expect(sealed.data).toEqual({});
    expect(sealed.sealedData).toBeDefined();
    expect(await openDetails(sealed, '000.01.41.H99-261206-0001', keys)).toEqual(event.data);
    await expect(
      openDetails({ ...sealed, id: 'other:1' }, '000.01.41.H99-261206-0001', keys),
    ).rejects.toThrow();
  });

  it('leave an event without details as it is, and read older plaintext details as they are', async () => {
    const empty = { id: 'x:1', data: {} };
    expect(await sealDetails(empty, '000.01.41.H99-261206-0001', keys)).toBe(empty);
    expect(await openDetails(event, '000.01.41.H99-261206-0001', keys)).toEqual(event.data);
  });
});
