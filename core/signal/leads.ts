import { canonicalLeads, type CanonicalLead, type EcgRecord } from '../formats/record';
import type { LeadSignal } from './pipeline';

/**
 * Arranges a record's leads in the given order (canonical I..V6 by default) as the
 * pipeline's leads × samples layout. A lead the record lacks becomes zeros and is listed
 * in `missing`, so a model always gets its expected shape.
 */
export function recordToLeadSignal(record: EcgRecord, order: readonly CanonicalLead[] = canonicalLeads): LeadSignal & { missing: CanonicalLead[] } {
  const byName = new Map(record.leads.map((l) => [l.name.toLowerCase(), l.samples]));
  const missing: CanonicalLead[] = [];
  const signal = order.map((name) => {
    const samples = byName.get(name.toLowerCase());
    if (samples) return Float32Array.from(samples);
    missing.push(name);
    return new Float32Array(record.nSamples);
  });
  return { signal, fs: record.fs, missing };
}
