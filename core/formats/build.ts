import { EinthovenError } from '../errors';
import { canonicalLeadName, deriveMissingLimbLeads, sortLeads } from './leads';
import { checkFs, checkSignalSize } from './limits';
import { canonicalLeads, type EcgRecord, type Lead, type MillivoltSamples, type PatientInfo, type SourceInfo } from './record';

export interface Channel {
  /** The label as written in the file; canonicalised here. */
  readonly label: string;
  readonly samples: MillivoltSamples;
}

export interface RecordParts {
  readonly fileName: string;
  readonly fs: number;
  readonly channels: readonly Channel[];
  readonly source: SourceInfo;
  readonly startTime?: string;
  readonly patient?: PatientInfo;
  readonly statements?: readonly string[];
  readonly warnings?: readonly string[];
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name} (${n})`)) n++;
  return `${name} (${n})`;
}

function isAllZero(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return false;
  return samples.length > 0;
}

/**
 * Assembles the one record type from a reader's channels: canonical lead names, derived
 * III/aVR/aVL/aVF when only I and II are stored, canonical order, missing-lead list and
 * warnings for flat (all-zero) leads.
 */
export function buildRecord(parts: RecordParts): EcgRecord {
  checkFs(parts.fileName, parts.fs);
  const nSamples = parts.channels[0]?.samples.length ?? 0;
  checkSignalSize(parts.fileName, parts.channels.length, nSamples);
  const warnings = [...(parts.warnings ?? [])];
  const taken = new Set<string>();
  const stored: Lead[] = [];
  for (const channel of parts.channels) {
    if (channel.samples.length !== nSamples) {
      throw new EinthovenError('E_FORMAT', `${parts.fileName}: lead ${channel.label} has ${channel.samples.length} samples, expected ${nSamples}`);
    }
    const name = uniqueName(canonicalLeadName(channel.label), taken);
    if (name !== channel.label.trim() && name.includes(' (')) warnings.push(`duplicate lead label ${channel.label} renamed ${name}`);
    taken.add(name);
    stored.push({ name, samples: channel.samples, derived: false });
    if (isAllZero(channel.samples)) warnings.push(`${name} is flat zero (probably not recorded)`);
  }
  const derived = deriveMissingLimbLeads(stored);
  warnings.push(...derived.warnings);
  const leads = sortLeads(derived.leads);
  const names = new Set(leads.map((l) => l.name));
  return {
    fs: parts.fs,
    nSamples,
    leads,
    missingLeads: canonicalLeads.filter((name) => !names.has(name)),
    ...(parts.startTime !== undefined ? { startTime: parts.startTime } : {}),
    patient: parts.patient ?? {},
    statements: parts.statements ?? [],
    source: parts.source,
    warnings,
  };
}
