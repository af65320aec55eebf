import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ValidationError } from '../domain/validation.js';
/** Typed errors of the client library, with messages a person can act on. */

export class DossierClientError extends Error {
  override name = 'DossierClientError';
}

/** The request is malformed; `issues` names every failing field. */
export class DossierValidationError extends DossierClientError {
  override name = 'DossierValidationError';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

export class DossierNotFoundError extends DossierClientError {
  override name = 'DossierNotFoundError';
}

/** The rules do not allow the action now; `code` says why (e.g. WRONG_AGENCY, ONCE_ONLY). Nothing changed. */
export class IllegalActionError extends DossierClientError {
  override name = 'IllegalActionError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The dossier's personal data was erased (retention or a data subject's request): its data key is
 * destroyed, so its view can no longer be decoded. The dossier existed; there is nothing to show.
 */
export class DossierErasedError extends DossierClientError {
  override name = 'DossierErasedError';
  constructor(readonly dossierCode: string) {
    super(
      `Dữ liệu cá nhân của hồ sơ ${dossierCode} đã được xóa theo quy định về bảo vệ dữ liệu cá nhân (Luật 91/2025/QH15); hồ sơ không còn xem hay xử lý được (the personal data of the dossier was erased)`,
    );
  }
}

export class ServiceUnavailableError extends DossierClientError {
  override name = 'ServiceUnavailableError';
}

/** A domain validation error as the client's typed error. */
export function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValidationError) throw new DossierValidationError(error.message, error.issues);
    throw error;
  }
}

/**
 * Runs a Temporal call and turns its failures into the client's typed errors: a missing
 * workflow, a rejected action (with the workflow's code), invalid input, or a workflow not ready.
 */
export async function translated<T>(notFoundMessage: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new DossierNotFoundError(notFoundMessage);
    const failure = error instanceof WorkflowUpdateFailedError ? error.cause : error;
    if (failure instanceof ApplicationFailure) {
      const type = failure.type ?? 'ILLEGAL_ACTION';
      if (type === 'INVALID_INPUT') throw new DossierValidationError(failure.message, [failure.message]);
      throw new IllegalActionError(type, failure.message);
    }
    if (error instanceof Error && error.name === 'QueryNotRegisteredError') {
      throw new IllegalActionError('NOT_READY', error.message);
    }
    throw error;
  }
}
