/**
 * A database setting that cannot work: a malformed URL, a missing per-module URL, a role name or
 * password the provisioning refuses. Thrown before any connection is opened or any SQL is sent.
 * Its message names the setting (`variable`) and never holds a password.
 */
export class DatabaseConfigError extends Error {
  constructor(
    message: string,
    /** The environment variable or setting at fault, when there is one (`DATABASE_URL_PAYMENTS`). */
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}
