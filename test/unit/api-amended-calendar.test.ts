/**
 * The API judges with the published calendar amendments, as the workflows do (issue #21 item 1):
 * GET /v1/calendar/due counts on the amended calendar as soon as the amendments change.
 */
import { describe, expect, it } from 'vitest';
import { generateSecret, issueToken } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { type CalendarAmendment, parseCalendarAmendment } from '../../domain/calendar-amendment.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';

describe('the API and the published amendments', () => {
  it('counts the appointment on the amended calendar once an amendment is published', async () => {
    const secret = generateSecret();
    let published: CalendarAmendment[] = [];
    let revision = 0;
    const app = await buildApiServer({
      temporal: {} as never,
      dossiers: {} as never,
      nc: {} as never,
      documents: {} as never,
      accessLog: {} as never,
      organisation: loadOrganisation('demo'),
      secret,
      // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
      devSharedSecretTokens: true,
      logger: createLogger({ level: 'silent' }),
      calendarAmendments: { revision: () => revision, amendments: () => published },
    });
    const { token } = await issueToken(secret, {
      sub: 'x',
      name: 'X',
      unit: '000.01.41.H99',
      role: 'counter-officer',
    });
    const due = async () =>
      (
        await app.inject({
          method: 'GET',
          url: '/v1/calendar/due?procedure=1.001612&received=2026-04-23T10:00:00%2B07:00',
          headers: { authorization: `Bearer ${token}` },
        })
      ).json().dueDate;
    expect(await due()).toBe('2026-04-29');
    published = [
      parseCalendarAmendment({
        id: 'test-nghi-them',
        jurisdiction: 'VN',
        source: { number: '1/TB-BNV', date: '2026-04-15' },
        publishedOn: '2026-04-15',
        effectiveFrom: '2026-04-15',
        daysOff: [{ date: '2026-04-28', name: 'Nghỉ thêm' }],
      }),
    ];
    revision++;
    expect(await due()).toBe('2026-05-04');
    await app.close();
  });
});
