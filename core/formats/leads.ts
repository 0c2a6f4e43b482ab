import { asMillivolts, canonicalLeads, type CanonicalLead, type Lead, type MillivoltSamples } from './record';
import { listed } from '../contract/counted';

const byLowerName = new Map<string, CanonicalLead>(canonicalLeads.map((name) => [name.toLowerCase(), name]));
const derivableLimbLeads = ['III', 'aVR', 'aVL', 'aVF'] as const;

/**
 * Maps a file's lead label to the canonical name when it is one of the 12 standard leads
 * ('avr', 'AVR', 'Lead aVR', 'MDC_ECG_LEAD_AVR', 'ECG V1', 'V1 ' …); other labels are kept trimmed.
 */
export function canonicalLeadName(label: string): string {
  const trimmed = label.trim();
  const stripped = trimmed
    .replace(/^MDC_ECG_LEAD_/i, '')
    .replace(/^(ecg|ekg)[\s_-]*/i, '')
    .replace(/^lead[\s_-]*/i, '')
    .replace(/\s+/g, '');
  return byLowerName.get(stripped.toLowerCase()) ?? trimmed;
}

export function isCanonicalLead(name: string): name is CanonicalLead {
  return byLowerName.get(name.toLowerCase()) === name;
}

/**
 * Einthoven/Goldberger identities: III = II − I, aVR = −(I + II)/2, aVL = I − II/2,
 * aVF = II − I/2. NaN in I or II propagates (a missing sample stays missing).
 */
function deriveLimbLead(name: (typeof derivableLimbLeads)[number], lead1: Float32Array, lead2: Float32Array): MillivoltSamples {
  const out = new Float32Array(lead1.length);
  for (let i = 0; i < out.length; i++) {
    const a = lead1[i] as number;
    const b = lead2[i] as number;
    if (name === 'III') out[i] = b - a;
    else if (name === 'aVR') out[i] = -(a + b) / 2;
    else if (name === 'aVL') out[i] = a - b / 2;
    else out[i] = b - a / 2;
  }
  return asMillivolts(out);
}

/**
 * When I and II are present but III/aVR/aVL/aVF are not (8-lead storage, e.g. MUSE),
 * computes the missing limb leads, flags them derived and returns a warning per lead.
 */
export function deriveMissingLimbLeads(leads: readonly Lead[]): { leads: Lead[]; warnings: string[] } {
  const lead1 = leads.find((l) => l.name === 'I');
  const lead2 = leads.find((l) => l.name === 'II');
  const result = [...leads];
  const warnings: string[] = [];
  if (!lead1 || !lead2 || lead1.samples.length !== lead2.samples.length) return { leads: result, warnings };
  for (const name of derivableLimbLeads) {
    if (result.some((l) => l.name === name)) continue;
    result.push({ name, samples: deriveLimbLead(name, lead1.samples, lead2.samples), derived: true });
    warnings.push(`${name} derived from I and II`);
  }
  return { leads: result, warnings };
}

/** What says whether a lead was recorded, and what: a record's lead, or a stored record's (the app's LeadInfo). */
type LeadLabel = Pick<Lead, 'name' | 'derived' | 'units'>;

/**
 * Where limb leads were computed from I and II while the file also holds voltage leads under
 * names that are none of the 12 standard leads ("III (renamed)", "III-x"): which were computed and
 * which were not recognised, else undefined. Such a label is not taken for the lead it seems to
 * name: "II (rhythm)", "V4R" and SCP's "-aVR" are other leads than II, V4 and aVR, and a
 * duplicated label is renamed "III (2)". Unsaid, the record read as thirteen leads, a computed III
 * beside what may be the recorded one. A file with extra leads and nothing computed is not noted:
 * its standard leads are all its own.
 */
export function unrecognisedBesideDerived(leads: readonly LeadLabel[]): string | undefined {
  const derived = leads.filter((l) => l.derived).map((l) => l.name);
  const unknown = leads.filter((l) => !l.derived && l.units === undefined && !isCanonicalLead(l.name)).map((l) => l.name);
  if (derived.length === 0 || unknown.length === 0) return undefined;
  const them = unknown.length === 1 ? `lead ${unknown[0]} is` : `leads ${listed(unknown)} are`;
  const which = derived.length === 1 ? 'which is' : 'which are';
  return `the file's ${them} not recognised as any of the 12 standard leads: kept under the file's name, not taken for ${listed(derived)}, ${which} computed from I and II (not recorded)`;
}

/**
 * The same as a caveat on the record's measurements (caveats.leadsUnrecognised), which `ecg measure`
 * says as a caution and the app's measurements panel lists: the intervals and axes were measured on
 * the computed lead, not on the file's. Its warnings, where ecg inspect and the record header say it,
 * are not beside the figures.
 */
export function leadsCaveat(leads: readonly LeadLabel[]): { leadsUnrecognised?: string } {
  const note = unrecognisedBesideDerived(leads);
  return note ? { leadsUnrecognised: note } : {};
}

/**
 * The record's ECG leads: its voltage channels, in the order given. A channel the file stores in
 * units of its own (a plethysmogram in NU, an arterial pressure in mmHg beside II and V in a
 * bedside-monitor record) is no ECG lead: measured with the leads, its pulse wave entered the beat
 * detection, the median beat's wave boundaries, the ectopy count and the quality summary.
 */
export function voltageLeads<L extends Pick<Lead, 'units'>>(leads: readonly L[]): L[] {
  return leads.filter((l) => l.units === undefined);
}

/** Canonical leads first in I…V6 order, then the others in file order. */
export function sortLeads(leads: readonly Lead[]): Lead[] {
  const rank = (name: string) => {
    const index = (canonicalLeads as readonly string[]).indexOf(name);
    return index < 0 ? canonicalLeads.length : index;
  };
  return leads
    .map((lead, index) => ({ lead, index }))
    .sort((a, b) => rank(a.lead.name) - rank(b.lead.name) || a.index - b.index)
    .map((entry) => entry.lead);
}
