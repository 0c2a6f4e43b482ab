/**
 * Typed errors shared by every engine module. A code is machine-readable and stable
 * (the UI and the CLI branch on it); the message is for people and names what and why.
 */
export const errorCodes = [
  'E_VALIDATION', // a request or argument did not match its schema
  'E_FORMAT', // a file could not be decoded
  'E_UNSUPPORTED', // a valid file uses a feature we do not implement (yet)
  'E_TOO_LARGE', // a declared size exceeds our limits
  'E_NOT_FOUND',
  'E_FORBIDDEN', // sender or token not allowed
  'E_CANCELLED',
  'E_MODEL', // a model package is invalid, tampered or mismatched
  'E_IO',
  'E_CONFLICT', // the stored state changed since the request was prepared (e.g. another reading was signed)
  'E_DEVICE', // the compute device failed or was lost (GPU driver reset, device removed)
  'E_INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export class EinthovenError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EinthovenError';
    this.code = code;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into an ErrorInfo without leaking stack traces across process boundaries. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof EinthovenError) return error.toInfo();
  if (error instanceof Error) return { code: 'E_INTERNAL', message: error.message };
  return { code: 'E_INTERNAL', message: String(error) };
}

/**
 * An error of a path-taking channel with every quoted excerpt removed: a parser's message
 * may quote the line it failed on, and the renderer (untrusted) could otherwise point the
 * channel at any file and read it back a line at a time. What and where stay; the content goes.
 */
export function withoutFileContent(message: string): string {
  return message.replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, '(…)').slice(0, 500);
}
