/**
 * Every NATS subject of the system (events/subjects.ts): the wire format, the `_` encoding of unit
 * codes, build/parse round-trips, and that each builder's output lands on its stream's filter.
 */
import { describe, expect, it } from 'vitest';
import { accessLogStreamConfig } from '../../audit/access-log.js';
import { eventTypes } from '../../events/dossier-event-schema.js';
import { feedbackEventTypes } from '../../events/feedback-event-schema.js';
import { eventStreamConfig, notificationStreamConfig } from '../../events/stream.js';
import {
  accessLogFilter,
  accessLogSubject,
  deadLetterSubject,
  deadLettersFilter,
  dossierEventSubject,
  dossierEventsFilter,
  feedbackEventSubject,
  feedbackEventsFilter,
  isSubjectUnder,
  notificationSubject,
  notificationsFilter,
  parseAccessLogSubject,
  parseDossierSubject,
  subjectToken,
  unitCodeOfToken,
} from '../../events/subjects.js';

/** NATS wildcard semantics, written independently of the module: `*` one token, `>` one or more. */
function matchesFilter(filter: string, subject: string): boolean {
  const wanted = filter.split('.');
  const tokens = subject.split('.');
  if (tokens.some((token) => token === '')) return false;
  for (const [index, part] of wanted.entries()) {
    if (part === '>') return index === wanted.length - 1 && tokens.length > index;
    if (index >= tokens.length) return false;
    if (part !== '*' && part !== tokens[index]) return false;
  }
  return tokens.length === wanted.length;
}

const agency = '000.00.15.H57';
const receivingUnit = '000.01.15.H57';
const dossierCode = '000.01.15.H57-260315-0007';

describe('the wildcard matcher of this test', () => {
  it.each([
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['a.b', 'a.b', true],
    ['a.b', 'a.bc', false],
    ['a.>', 'ab.c', false],
  ])('%s on %s → %s', (filter, subject, expected) => {
    expect(matchesFilter(filter, subject)).toBe(expected);
  });
});

describe('event subjects', () => {
  it('write unit codes with their dots as `_`, and read them back', () => {
    expect(subjectToken(agency)).toBe('000_00_15_H57');
    expect(unitCodeOfToken('000_00_15_H57')).toBe(agency);
    expect(subjectToken('H57')).toBe('H57');
  });

  it('keep the wire format of every subject', () => {
    expect(dossierEventSubject({ type: 'accepted', facts: { competentAgency: agency, receivingUnit } })).toBe(
      'tthc.dossier.000_00_15_H57.000_01_15_H57.accepted',
    );
    expect(feedbackEventSubject({ type: 'forwarded', facts: { handlingUnit: agency } })).toBe(
      'tthc.feedback.000_00_15_H57.forwarded',
    );
    expect(notificationSubject(dossierCode)).toBe('tthc.notify.000_01_15_H57-260315-0007');
    expect(deadLetterSubject('indicators_main')).toBe('tthc.dead.indicators_main');
    expect(accessLogSubject(dossierCode)).toBe('tthc.access.000_01_15_H57-260315-0007');
    expect(accessLogFilter).toBe('tthc.access.>');
    expect([dossierEventsFilter, feedbackEventsFilter, notificationsFilter, deadLettersFilter]).toEqual([
      'tthc.dossier.>',
      'tthc.feedback.>',
      'tthc.notify.>',
      'tthc.dead.>',
    ]);
  });

  it('parse a dossier event subject back into the units and type it was built from', () => {
    for (const type of eventTypes) {
      const subject = dossierEventSubject({ type, facts: { competentAgency: agency, receivingUnit } });
      expect(parseDossierSubject(subject)).toEqual({ type, competentAgency: agency, receivingUnit });
    }
  });

  it('parse an access-log subject back into its dossier code', () => {
    expect(parseAccessLogSubject(accessLogSubject(dossierCode))).toBe(dossierCode);
    for (const other of [notificationSubject(dossierCode), 'tthc.access', 'tthc.access.a.b', 'x.access.a']) {
      expect(parseAccessLogSubject(other), other).toBeUndefined();
    }
  });

  it.each([
    'tthc.dossier.too.short',
    'tthc.dossier.000_00_15_H57.000_01_15_H57.accepted.extra',
    'tthc.feedback.000_00_15_H57.000_01_15_H57.accepted',
    'tthc.notify.000_01_15_H57-260315-0007',
    'other.dossier.000_00_15_H57.000_01_15_H57.accepted',
    '',
  ])('a malformed dossier subject %j parses to undefined', (subject) => {
    expect(parseDossierSubject(subject)).toBeUndefined();
  });

  it('every builder lands on its stream filter and on no other', () => {
    const filters = [
      dossierEventsFilter,
      feedbackEventsFilter,
      notificationsFilter,
      deadLettersFilter,
      accessLogFilter,
    ];
    const built: Array<[string, string]> = [
      ...eventTypes.map((type): [string, string] => [
        dossierEventsFilter,
        dossierEventSubject({ type, facts: { competentAgency: agency, receivingUnit } }),
      ]),
      ...feedbackEventTypes.map((type): [string, string] => [
        feedbackEventsFilter,
        feedbackEventSubject({ type, facts: { handlingUnit: agency } }),
      ]),
      [notificationsFilter, notificationSubject(dossierCode)],
      [deadLettersFilter, deadLetterSubject('indicators_main')],
      [accessLogFilter, accessLogSubject(dossierCode)],
    ];
    for (const [filter, subject] of built) {
      expect(
        filters.filter((candidate) => matchesFilter(candidate, subject)),
        subject,
      ).toEqual([filter]);
    }
  });

  it('the streams hold exactly these filters', () => {
    expect(eventStreamConfig(1).subjects).toEqual([dossierEventsFilter, feedbackEventsFilter]);
    expect(notificationStreamConfig().subjects).toEqual([notificationsFilter]);
    expect(accessLogStreamConfig(1).subjects).toEqual([accessLogFilter]);
  });

  it('a subject lies under a root as its `<root>.>` filter says', () => {
    const subjects = [
      dossierEventSubject({ type: 'received', facts: { competentAgency: agency, receivingUnit } }),
      feedbackEventSubject({ type: 'submitted', facts: { handlingUnit: agency } }),
      'tthc.dossierx.a.b.c',
    ];
    for (const subject of subjects) {
      expect(isSubjectUnder('tthc.dossier', subject)).toBe(matchesFilter(dossierEventsFilter, subject));
      expect(isSubjectUnder('tthc.feedback', subject)).toBe(matchesFilter(feedbackEventsFilter, subject));
    }
  });
});
