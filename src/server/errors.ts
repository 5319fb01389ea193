// The error every route throws for a client mistake: answered as JSON `{ error: { code, message } }`
// with its HTTP status (message Chinese first, English after " / ").

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
