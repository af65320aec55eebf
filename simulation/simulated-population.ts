/** The simulated applicants: who they are, the applications and papers they bring, their feedback and evaluations. */

import type { Actor } from '../domain/actor.js';
import type { DossierApplicationInput } from '../domain/application.js';
import type { Procedure } from '../domain/catalogue.js';
import type { FeedbackInput } from '../domain/feedback/feedback-schema.js';
import type { Unit } from '../domain/organisation.js';
import type { FileDocumentStore } from '../infra/document-store.js';
import type { Random } from './random.js';

export interface Citizen {
  type: 'citizen';
  fullName: string;
  idNumber: string;
}

export type SubmissionChannel = 'online' | 'counter' | 'postal';

/** What an applicant's application says: who applies for what, where, through which channel. */
export interface ApplicantDossier {
  arriveAt: number;
  citizen: Citizen;
  procedure: Procedure;
  channel: SubmissionChannel;
  commune: { oneStop: Unit };
  agency: Unit;
}

/** What an applicant's feedback says: who writes to which unit, when. */
export interface ApplicantFeedback {
  submitAt: number;
  unit: string;
  citizen: Citizen;
}

export function drawCitizen(random: Random): Citizen {
  const id = String(51_000_000_000 + random.int(0, 999_999_999)).padStart(12, '0');
  return { type: 'citizen', fullName: 'Công dân mô phỏng', idNumber: id };
}

export function applicantActor(citizen: Citizen): Actor {
  return { id: citizen.idNumber, name: citizen.fullName, unit: 'applicant', role: 'applicant' };
}

/** An applicant's evaluation of a returned dossier: criteria 1 and 7 follow whether they liked it. */
export function evaluationOf(liked: boolean) {
  const score = liked ? 2 : 0;
  return { scores: { '1': score, '3': 2, '7': score }, liked };
}

/** Applications, papers and feedback of the simulated applicants; request ids carry the seed. */
export class SimulatedPopulation {
  constructor(
    private readonly seed: number,
    private readonly documents: FileDocumentStore,
  ) {}

  async application(dossier: ApplicantDossier, incomplete: boolean): Promise<DossierApplicationInput> {
    return {
      requestId: `sim-${this.seed}-${dossier.arriveAt}-${dossier.citizen.idNumber}`,
      procedureCode: dossier.procedure.code,
      applicant: dossier.citizen,
      channel: dossier.channel,
      vneidAuthenticated: dossier.channel === 'online',
      receivingUnit: dossier.commune.oneStop.code,
      competentAgency: dossier.agency.code,
      documents: await this.documentsFor(dossier, incomplete),
    };
  }

  /** The required papers of the procedure; an incomplete dossier lacks the first. */
  async documentsFor(dossier: ApplicantDossier, incomplete: boolean) {
    const required = dossier.procedure.requiredDocuments.filter((d) => d.required);
    const present = incomplete ? required.slice(1) : required;
    const form = dossier.channel === 'online' ? ('electronic' as const) : ('paper' as const);
    return Promise.all(present.map(async (d) => ({ kind: d.kind, form, fileRef: await this.scan(d.kind) })));
  }

  /** The paper an applicant brings when asked to supplement during processing. */
  async supplementDocuments() {
    return [
      { kind: 'ban-sao-bo-sung', form: 'electronic' as const, fileRef: await this.scan('ban-sao-bo-sung') },
    ];
  }

  feedback(feedback: ApplicantFeedback): FeedbackInput {
    return {
      requestId: `sim-pakn-${this.seed}-${feedback.submitAt}-${feedback.unit}`,
      submitter: feedback.citizen,
      channel: 'online',
      receivingUnit: feedback.unit,
      content: 'Đề nghị công khai rõ hơn thành phần hồ sơ trên cổng dịch vụ công.',
    };
  }

  /** Scans are content-addressed: one file per document kind is enough for the simulation. */
  private async scan(kind: string): Promise<string> {
    const content = new TextEncoder().encode(`mẫu ${kind}`);
    return (await this.documents.put(content, { mediaType: 'application/pdf', name: `${kind}.pdf` })).ref;
  }
}
