/** Named errors of the storage adapter; `code` is stable, `cause` carries the underlying error. */

export type DbErrorCode =
  | 'bad-options' // openDatabase got an unusable url/path/schema
  | 'unreachable' // the PostgreSQL server did not answer or refused us
  | 'open-failed' // the embedded database could not start on its data directory
  | 'locked' // another live process holds the embedded data directory
  | 'migration-failed' // a migration threw; nothing after it ran
  | 'closed'; // the handle was used after close()

export class DbError extends Error {
  override readonly name = 'DbError';
  readonly code: DbErrorCode;

  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
