/**
 * The drill's steady load, through the HTTP API as officials use it: dossiers arrive at a fixed
 * rate and each goes receive → assign → appraise → approve → return-result, with the tokens of
 * the demo province's counter officer, leader and specialist. A step that fails (the API answers
 * 5xx or cannot be reached while a fault is on) is retried: the dossier is read again and the next
 * step taken from its state, so a step that went through before its answer was lost is never
 * taken twice. Every completed step is timed, for the report's "load held".
 */
import { demoOfficials } from '../stack/demo.js';

export interface LoadOptions {
  apiUrl: string;
  tokens: Record<'counter-officer' | 'leader' | 'specialist', string>;
  /** Dossiers started per second. */
  rate: number;
  /** A scanned document already in the document store, for the application's two documents. */
  scanRef: string;
  /** How long a dossier may take before the load gives up on it (it is then reported). */
  dossierDeadlineMs?: number;
}

export interface LoadResult {
  started: number;
  /** Dossiers whose last step (return-result) was answered. */
  completed: string[];
  /** Dossiers the load gave up on, with the last error. */
  abandoned: Array<{ code?: string; requestId: string; error: string }>;
  /** Every dossier code the API gave out. */
  codes: string[];
  /** When each step was answered (ms since the load started). */
  steps: number[];
  /** Failed attempts that were retried, by kind. */
  retries: Record<string, number>;
}

const nextAction: Record<string, string | undefined> = {
  assign: 'assign',
  appraise: 'appraise',
  approve: 'approve',
  return: 'return-result',
};

const specialist = demoOfficials.find((o) => o.role === 'specialist');

export class DrillLoad {
  private running = false;
  private readonly journeys: Promise<void>[] = [];
  private began = 0;
  private readonly result: LoadResult = {
    started: 0,
    completed: [],
    abandoned: [],
    codes: [],
    steps: [],
    retries: {},
  };

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    this.running = true;
    this.began = Date.now();
    void this.arrivals();
  }

  /** Stops new arrivals and waits for the dossiers in flight to finish (or be given up). */
  async stop(): Promise<LoadResult> {
    this.running = false;
    await Promise.all(this.journeys);
    return this.result;
  }

  /** Steps answered in [from, to) ms since the load started. */
  stepsBetween(from: number, to: number): number {
    return this.result.steps.filter((t) => t >= from && t < to).length;
  }

  elapsed(): number {
    return Date.now() - this.began;
  }

  private async arrivals(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const due = this.began + (n * 1_000) / this.options.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.running) break;
      this.result.started++;
      this.journeys.push(this.journey(`drill-${this.began}-${n}`));
    }
  }

  private async journey(requestId: string): Promise<void> {
    const deadline = Date.now() + (this.options.dossierDeadlineMs ?? 180_000);
    let code: string | undefined;
    let lastError = '';
    while (Date.now() < deadline) {
      try {
        if (!code) {
          code = await this.receive(requestId);
          this.result.codes.push(code);
          this.step();
          continue;
        }
        const view = await this.call('GET', `/v1/dossiers/${code}`, 'leader');
        const step = (view as { state: { step: string } }).state.step;
        if (step === 'done') {
          this.result.completed.push(code);
          return;
        }
        const action = nextAction[step];
        if (!action) throw new Error(`dossier ${code} is at step ${step}`);
        await this.act(code, action);
        this.step();
      } catch (error) {
        lastError = (error as Error).message;
        const kind = lastError.split(':')[0] ?? 'error';
        this.result.retries[kind] = (this.result.retries[kind] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    this.result.abandoned.push({ code, requestId, error: lastError });
  }

  private step(): void {
    this.result.steps.push(Date.now() - this.began);
  }

  private async receive(requestId: string): Promise<string> {
    const body = {
      application: {
        requestId,
        procedureCode: '1.001612',
        applicant: { type: 'citizen', fullName: 'Người thử diễn tập', idNumber: '051090012345' },
        channel: 'counter',
        receivingUnit: '000.01.41.H99',
        competentAgency: '000.00.41.H99',
        documents: [
          { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: this.options.scanRef },
          { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: this.options.scanRef },
        ],
      },
    };
    const received = (await this.call('POST', '/v1/dossiers', 'counter-officer', body)) as { code: string };
    return received.code;
  }

  private async act(code: string, action: string): Promise<void> {
    const as =
      action === 'appraise' ? 'specialist' : action === 'return-result' ? 'counter-officer' : 'leader';
    const payload =
      action === 'assign'
        ? { specialist: { id: specialist?.sub, name: specialist?.name } }
        : action === 'appraise'
          ? { recommendation: 'approve', note: 'Đủ điều kiện' }
          : action === 'return-result'
            ? { channel: 'counter' }
            : {};
    await this.call('POST', `/v1/dossiers/${code}/actions/${action}`, as, payload);
  }

  private async call(
    method: string,
    path: string,
    as: keyof LoadOptions['tokens'],
    body?: unknown,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.tokens[as]}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new Error(`unreachable: ${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`http ${response.status}: ${method} ${path}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }
}
