import type { z } from 'zod';
import { isErrorReason, withReason, type ErrorInfo, type ErrorReason } from '../errors';
import { channels, type ChannelName, type ParsedRequestOf, type ResponseOf } from './channels';

/** Every call across a process boundary answers with this envelope, never with a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export type { ErrorInfo, ErrorReason };

/** A failed envelope; `reason` for the refusals a caller tells apart (errorReasons in core/errors.ts). */
export function fail(code: ErrorInfo['code'], message: string, reason?: ErrorReason): Result<never> {
  return { ok: false, error: withReason({ code, message }, reason) };
}

/** One readable line out of zod's issues: "files.0.name: String must contain at least 1 character(s)". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Validates a request for `channel`; the failure names the channel and the offending fields. */
export function parseRequest<K extends ChannelName>(channel: K, payload: unknown): Result<ParsedRequestOf<K>> {
  const parsed = channels[channel].request.safeParse(payload);
  if (parsed.success) return ok(parsed.data as ParsedRequestOf<K>);
  return fail('E_VALIDATION', `invalid request for ${channel}: ${describeZodError(parsed.error)}`);
}

/** Validates an envelope coming back from the other side of a bridge. */
export function parseResponse<K extends ChannelName>(channel: K, raw: unknown): Result<ResponseOf<K>> {
  if (typeof raw !== 'object' || raw === null || !('ok' in raw)) {
    return fail('E_INTERNAL', `malformed response on ${channel}`);
  }
  if (raw.ok === false && 'error' in raw) {
    const error = raw.error as (Partial<Omit<ErrorInfo, 'reason'>> & { reason?: unknown }) | undefined;
    // A reason the contract does not define is dropped: the UI branches only on the ones it knows.
    const reason = error?.reason;
    return fail(error?.code ?? 'E_INTERNAL', error?.message ?? 'unknown error', isErrorReason(reason) ? reason : undefined);
  }
  const value = 'value' in raw ? raw.value : undefined;
  const parsed = channels[channel].response.safeParse(value);
  if (parsed.success) return ok(parsed.data as ResponseOf<K>);
  return fail('E_INTERNAL', `unexpected response on ${channel}: ${describeZodError(parsed.error)}`);
}
