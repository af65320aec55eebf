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

export class ServiceUnavailableError extends DossierClientError {
  override name = 'ServiceUnavailableError';
}
