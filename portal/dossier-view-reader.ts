/**
 * What the portal sync reads of a dossier besides its events: the applicant and the contents of
 * the supplementation requests (personal data, so never on NATS), from the dossier workflow's view
 * through the Temporal client and its data converter, which decrypts it with the dossier's key. The
 * identity is kept in memory (a bounded cache) and read again when an event shows more than it
 * knows. A dossier whose key was destroyed (erased) or whose workflow Temporal no longer has cannot
 * be read: the caller is told which.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type DossierView, dossierQuery } from '../contract/dossier-contract.js';
import type { DossierIdentity } from './portal-record.js';

export interface ErasureCheck {
  isErased(subject: string): Promise<boolean>;
}

export type Unreadable = 'erased' | 'gone';

export class DossierViewReader {
  private readonly cache = new Map<string, DossierIdentity>();

  constructor(
    private readonly temporal: Client,
    private readonly erasures: ErasureCheck,
    private readonly limit = 10_000,
  ) {}

  /** The dossier's identity, knowing at least `supplements` requests (and the online payment if `payment`). */
  async identity(
    code: string,
    need: { supplements: number; payment: boolean },
  ): Promise<DossierIdentity | Unreadable> {
    const known = this.cache.get(code);
    if (known && known.supplements.length >= need.supplements && (!need.payment || known.onlinePayment))
      return known;
    const view = await this.view(code);
    if (typeof view === 'string') return view;
    const identity = identityOf(view);
    this.cache.delete(code);
    this.cache.set(code, identity);
    if (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value as string);
    return identity;
  }

  /** The dossier's current view (uncached); a closed workflow's too, while Temporal keeps it. */
  async view(code: string): Promise<DossierView | Unreadable> {
    try {
      return await this.temporal.workflow.getHandle(code).query(dossierQuery);
    } catch (error) {
      if (await this.erasures.isErased(code).catch(() => false)) return 'erased';
      if (error instanceof WorkflowNotFoundError) return 'gone';
      throw error;
    }
  }

  forget(code: string): void {
    this.cache.delete(code);
  }
}

function identityOf(view: DossierView): DossierIdentity {
  const { applicant } = view.state.application;
  const payment = view.state.payments.find((p) => p.channel === 'dvcqg' || p.channel === 'local-portal');
  return {
    applicantName: applicant.type === 'citizen' ? applicant.fullName : applicant.name,
    applicantType: applicant.type,
    phone: applicant.phone,
    email: applicant.email,
    supplements: view.state.supplements.map((s) => ({
      reason: s.reason,
      items: s.items.map((item) => ({ name: item.name })),
      by: s.by,
    })),
    onlinePayment: payment?.channel as DossierIdentity['onlinePayment'],
  };
}
