// Errors a learner can act on. The CLI prints their message in one line and
// exits non-zero; it never prints a stack trace for these (only with --debug).

export class LearnerFacingError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "LearnerFacingError";
    this.hint = hint;
  }
}

/** Docker (or another engine) cannot be reached. */
export class EngineUnavailableError extends LearnerFacingError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "EngineUnavailableError";
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
