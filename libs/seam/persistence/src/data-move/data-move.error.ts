/**
 * Why a data move stopped:
 * - `usage`: the request itself cannot work (bad location, source and target are one database);
 *   nothing was opened for writing. A CLI maps it to exit code 2.
 * - `refused`: the target already holds data or a previous move, and `force` was not given; the
 *   target transaction was rolled back. Exit code 1.
 * - `failed`: a database could not be reached or read, the schemas differ, or the verification
 *   failed; the target transaction was rolled back. Exit code 1.
 */
export type DataMoveErrorKind = 'usage' | 'refused' | 'failed';

/**
 * The one error a data move throws. Its message is a single line fit for a terminal, and never
 * holds a password: locations are described without credentials and driver messages are scrubbed.
 */
export class DataMoveError extends Error {
  constructor(
    /** See {@link DataMoveErrorKind}. */
    readonly kind: DataMoveErrorKind,
    message: string,
  ) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'DataMoveError';
  }
}
