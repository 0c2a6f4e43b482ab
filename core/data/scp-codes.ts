import { EinthovenError } from '../errors';

/**
 * Parses PTB-XL's `scp_codes` column, a Python dict literal such as
 * `{'NORM': 100.0, 'SR': 0.0}`, into code → likelihood. Only this flat shape is accepted.
 */
export function parseScpCodes(text: string): Map<string, number> {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new EinthovenError('E_FORMAT', `scp_codes is not a dict: ${body.slice(0, 60)}`);
  const out = new Map<string, number>();
  const inner = body.slice(1, -1).trim();
  if (inner === '') return out;
  const entry = /^\s*'([^']*)'\s*:\s*(-?[0-9.eE+-]+)\s*$/;
  for (const part of inner.split(',')) {
    const m = entry.exec(part);
    if (!m) throw new EinthovenError('E_FORMAT', `scp_codes entry not understood: ${part.trim().slice(0, 60)}`);
    const value = Number(m[2]);
    if (!Number.isFinite(value)) throw new EinthovenError('E_FORMAT', `scp_codes likelihood is not a number: ${m[2]}`);
    out.set(m[1] as string, value);
  }
  return out;
}
