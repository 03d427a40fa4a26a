// A data problem, named by server (null: the document as a whole).
export class RunbookDataError extends Error {
  constructor(
    readonly server: string | null,
    message: string,
  ) {
    super(server === null ? message : `server ${server}: ${message}`);
    this.name = 'RunbookDataError';
  }
}
