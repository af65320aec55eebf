/**
 * A message the SMS gateway or the mail server did not take. `permanent`: it never will (a number
 * not in service, an address the server refuses), so it is reported on the dossier's timeline;
 * otherwise (no answer, a server error, a full queue) it is tried again later.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
