/**
 * Loads jurisdiction calendars from data/calendars/<jurisdiction>.json (DOMAIN.md §6).
 * Not for workflow code (it reads files): load here, pass the data or calendar in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  amendCalendarChainWithAll,
  type CalendarData,
  createCalendar,
  parseCalendarData,
  type WorkingCalendar,
} from '../domain/calendar.js';
import type { CalendarAmendment } from '../domain/calendar-amendment.js';
import type { OrganisationRegistry } from '../domain/organisation.js';

export const CALENDAR_DIRECTORY = new URL('../data/calendars/', import.meta.url);

const JURISDICTION_FILE_NAME = /^[A-Za-z0-9-]+$/;
const cache = new Map<string, WorkingCalendar>();
const chains = new Map<string, CalendarData[]>();

function calendarFile(jurisdiction: string, directory: URL): string {
  if (!JURISDICTION_FILE_NAME.test(jurisdiction)) {
    throw new Error(`"${jurisdiction}" is not a jurisdiction id (letters, digits and hyphens)`);
  }
  return fileURLToPath(new URL(`${jurisdiction}.json`, directory));
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Calendar file ${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Calendar file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and validates one calendar file; the error names the file and every failing field. */
export function loadCalendarData(jurisdiction = 'VN', directory: URL = CALENDAR_DIRECTORY): CalendarData {
  const file = calendarFile(jurisdiction, directory);
  const data = parseCalendarData(readJson(file), `Calendar file ${file}`);
  if (data.jurisdiction !== jurisdiction) {
    throw new Error(
      `Calendar file ${file} is invalid:\n  - jurisdiction: must be "${jurisdiction}" to match the file name, got "${data.jurisdiction}"`,
    );
  }
  return data;
}

/** The working calendar of a jurisdiction, with the calendar it `extends` resolved; cached. */
export function loadCalendar(jurisdiction = 'VN', directory: URL = CALENDAR_DIRECTORY): WorkingCalendar {
  return resolve(jurisdiction, directory, []);
}

function resolve(jurisdiction: string, directory: URL, chain: string[]): WorkingCalendar {
  const key = new URL(`${jurisdiction}.json`, directory).href;
  const cached = cache.get(key);
  if (cached) return cached;
  if (chain.includes(jurisdiction)) {
    throw new Error(`Calendars extend each other in a cycle: ${[...chain, jurisdiction].join(' → ')}`);
  }
  const data = loadCalendarData(jurisdiction, directory);
  const parent = data.extends ? resolve(data.extends, directory, [...chain, jurisdiction]) : undefined;
  const calendar = createCalendar(data, parent);
  cache.set(key, calendar);
  return calendar;
}

/**
 * The working calendar of the dossiers an agency decides: its jurisdiction's, the calendar the
 * dossier workflow builds from the chain its rules load (`loadCalendarChain`); cached.
 */
export function loadAgencyCalendar(organisation: OrganisationRegistry, agency: string): WorkingCalendar {
  return loadCalendar(agencyJurisdiction(organisation, agency));
}

/** The jurisdiction whose working days an agency keeps: its own, or the national calendar. */
export function agencyJurisdiction(organisation: OrganisationRegistry, agency: string): string {
  return (organisation.has(agency) ? organisation.get(agency).jurisdiction : undefined) ?? 'VN';
}

/**
 * The data of a jurisdiction's calendar and of every calendar it extends, national first: what a
 * workflow receives to build its calendar. Read and validated once, then cached like `loadCalendar`.
 */
export function loadCalendarChain(jurisdiction = 'VN', directory: URL = CALENDAR_DIRECTORY): CalendarData[] {
  const key = calendarFile(jurisdiction, directory);
  let chain = chains.get(key);
  if (!chain) {
    chain = [];
    const seen: string[] = [];
    for (let current: string | undefined = jurisdiction; current; ) {
      if (seen.includes(current)) {
        throw new Error(`Calendars extend each other in a cycle: ${[...seen, current].join(' → ')}`);
      }
      seen.push(current);
      const data = loadCalendarData(current, directory);
      chain.unshift(data);
      current = data.extends;
    }
    chains.set(key, chain);
  }
  return [...chain];
}

/** Published amendments (infra/calendar-amendment-store.ts) and a number that changes with them. */
export interface AmendmentSource {
  revision(): number;
  amendments(): readonly CalendarAmendment[];
}

/**
 * `loadCalendarChain` with the published amendments on top: what a new dossier receives. Cached per
 * jurisdiction until the amendments change, so a dossier costs a map lookup (BENCHMARKS.md).
 */
export function amendedChainLoader(
  source: AmendmentSource | undefined,
  directory: URL = CALENDAR_DIRECTORY,
): (jurisdiction: string) => CalendarData[] {
  const amended = new Map<string, CalendarData[]>();
  let seenRevision = source?.revision();
  return (jurisdiction) => {
    if (!source) return loadCalendarChain(jurisdiction, directory);
    if (source.revision() !== seenRevision) {
      amended.clear();
      seenRevision = source.revision();
    }
    let chain = amended.get(jurisdiction);
    if (!chain) {
      // An amendment the chain cannot take was refused when it was published; left out here too.
      chain = amendCalendarChainWithAll(
        loadCalendarChain(jurisdiction, directory),
        source.amendments(),
      ).chain;
      amended.set(jurisdiction, chain);
    }
    return [...chain];
  };
}

/** Jurisdiction ids that have a calendar file, sorted. */
export function listJurisdictions(directory: URL = CALENDAR_DIRECTORY): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** Forgets loaded calendars, e.g. after the data files changed. */
export function clearCalendarCache(): void {
  cache.clear();
  chains.clear();
}
