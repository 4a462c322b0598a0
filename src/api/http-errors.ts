import type { z } from 'zod';

/** Field path to messages, LinK's 422 body: `{"errors":{"checks.0.port":["…"]}}`. */
export type FieldErrors = Record<string, string[]>;

/** The body parsed but its content is wrong: answered 422 with every wrong field. */
export class ValidationError extends Error {
  constructor(readonly errors: FieldErrors) {
    super(`invalid request: ${Object.keys(errors).join(', ')}`);
    this.name = 'ValidationError';
  }

  static fromZod(error: z.ZodError): ValidationError {
    const errors: FieldErrors = {};
    for (const issue of error.issues) {
      const field = issue.path.map(String).join('.') || 'body';
      errors[field] ??= [];
      errors[field].push(issue.message);
    }
    return new ValidationError(errors);
  }
}

/** The request itself is unusable (bad JSON, bad id format): answered 400. */
export class BadRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BadRequestError';
  }
}
