/**
 * Valid dossier events for benchmarks: each synthetic dossier goes received → accepted → assigned
 * → approved → returned, spread over several units and days, with facts that evolve as a real
 * dossier's do.
 */
import { formatInstant } from '../domain/time.js';
import type { DossierEvent, DossierFacts } from '../events/dossier-event-schema.js';

const units = ['000.00.41.H99', '000.00.42.H99', '000.00.43.H99', '000.00.44.H99'];
const steps = ['received', 'accepted', 'assigned', 'approved', 'result-returned'] as const;
const hour = 3_600_000;

export interface SyntheticUnits {
  /** Competent agencies, in turn. */
  agencies: readonly string[];
  /** Receiving units (the dossier code's prefix), in turn; by default the agencies' one-stop units. */
  receivingUnits?: readonly string[];
}

export function syntheticEvents(
  count: number,
  tag: string,
  start = Date.parse('2026-10-01T08:00:00+07:00'),
  layout: SyntheticUnits = { agencies: units },
): DossierEvent[] {
  const events: DossierEvent[] = [];
  for (const event of syntheticEventStream(tag, start, layout)) {
    if (events.length >= count) break;
    events.push(event);
  }
  return events;
}

/** The same events one at a time, without end (for a sustained load that keeps no array of them). */
export function* syntheticEventStream(
  tag: string,
  start = Date.parse('2026-10-01T08:00:00+07:00'),
  layout: SyntheticUnits = { agencies: units },
): Generator<DossierEvent> {
  const agencies = layout.agencies;
  const receiving = layout.receivingUnits ?? agencies.map((unit) => unit.replace('000.00', '000.01'));
  for (let dossier = 0; ; dossier++) {
    const agency = agencies[dossier % agencies.length] as string;
    const receivingUnit = receiving[dossier % receiving.length] as string;
    const code = `${receivingUnit}-${tag}-${dossier}`;
    const submitted = start + (dossier % 40) * 24 * hour + (dossier % 8) * hour;
    for (let index = 0; index < steps.length; index++) {
      const at = submitted + index * 6 * hour;
      yield {
        id: `${code}:${index + 1}`,
        dossierCode: code,
        seq: index + 1,
        type: steps[index] as (typeof steps)[number],
        occurredAt: formatInstant(at),
        data: {},
        facts: facts(dossier, submitted, index, agency, receivingUnit),
      };
    }
  }
}

function facts(
  dossier: number,
  submitted: number,
  step: number,
  agency: string,
  receivingUnit: string,
): DossierFacts {
  const at = (offsetHours: number) => formatInstant(submitted + offsetHours * hour);
  return {
    procedureCode: '1.001612',
    ruleVersion: '2025-07',
    channel: dossier % 4 === 0 ? 1 : 2,
    serviceLevel: 'mot-phan',
    status:
      ['CHO_TIEP_NHAN', 'MOI_TIEP_NHAN', 'DANG_XU_LY', 'DA_XU_LY_XONG', 'DA_TRA_KET_QUA'][step] ??
      'DANG_XU_LY',
    receivingUnit,
    competentAgency: agency,
    submittedAt: at(0),
    acceptedAt: step >= 1 ? at(6) : undefined,
    dueDate: step >= 1 ? formatInstant(submitted + 5 * 24 * hour).slice(0, 10) : undefined,
    decreeDueDate: step >= 1 ? formatInstant(submitted + 5 * 24 * hour).slice(0, 10) : undefined,
    supplementations: [],
    decidedAt: step >= 3 ? at(18) : undefined,
    returnedAt: step >= 4 ? at(24) : undefined,
    components: [
      {
        kind: 'giay-de-nghi',
        form: 'paper',
        digitized: true,
        reused: dossier % 5 === 0,
        fromDataStore: false,
      },
    ],
    paperResultRequired: true,
    eResultLink: step >= 3 ? `/v1/documents/sha256:${dossier}` : undefined,
    vneidAuthenticated: dossier % 2 === 0,
    fees: [{ name: 'Lệ phí', amountVnd: 100_000 }],
    paidOnline: dossier % 3 === 0,
    overdueWithoutApology: false,
    apologyIssued: false,
  };
}
