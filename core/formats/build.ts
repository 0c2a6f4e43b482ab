import { EinthovenError } from '../errors';
import { canonicalLeadName, deriveMissingLimbLeads, sortLeads, unrecognisedBesideDerived } from './leads';
import { checkFinite, checkFs, checkSignalSize } from './limits';
import { canonicalLeads, type DeviceMeasurements, type EcgRecord, type Lead, type MillivoltSamples, type PatientInfo, type RepresentativeBeat, type SourceInfo } from './record';

export interface Channel {
  /** The label as written in the file; canonicalised here. */
  readonly label: string;
  readonly samples: MillivoltSamples;
  /** Set only when the unit is not a voltage (blood pressure, plethysmogram…): the samples are in this unit, not mV. */
  readonly units?: string;
}

/** A representative beat as a reader finds it: its own rate and channels (usually the 12 leads). */
export interface BeatParts {
  readonly fs: number;
  readonly channels: readonly Channel[];
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
  readonly representativeBeat?: BeatParts;
  readonly deviceMeasurements?: DeviceMeasurements | undefined;
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name} (${n})`)) n++;
  return `${name} (${n})`;
}

/**
 * The single value of a lead whose every present sample is equal (missing samples, NaN, do
 * not count), else undefined. Such a lead was almost certainly not recorded (JS20004 V2 = 0;
 * the Contec EDF maps its zero lead to 0.0153 mV).
 */
function constantValue(samples: Float32Array): number | undefined {
  let value: number | undefined;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (Number.isNaN(v)) continue;
    if (value === undefined) value = v;
    else if (v !== value) return undefined;
  }
  return value;
}

/** Canonical names and order for a representative beat; a malformed beat is dropped with a warning, never fatal. */
function buildBeat(fileName: string, beat: BeatParts, warnings: string[]): RepresentativeBeat | undefined {
  const nSamples = beat.channels[0]?.samples.length ?? 0;
  if (!(beat.fs > 0 && Number.isFinite(beat.fs)) || nSamples === 0 || beat.channels.some((c) => c.samples.length !== nSamples)) {
    warnings.push(`${fileName}: representative beat ignored (inconsistent rate or lengths)`);
    return undefined;
  }
  const taken = new Set<string>();
  const leads = beat.channels.map((c) => {
    const name = uniqueName(canonicalLeadName(c.label), taken);
    taken.add(name);
    return { name, samples: c.samples, derived: false };
  });
  return { fs: beat.fs, nSamples, leads: sortLeads(leads) };
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
  if (parts.channels.length === 0 || nSamples === 0) throw new EinthovenError('E_FORMAT', `${parts.fileName}: the file holds no samples (${parts.channels.length} signals × ${nSamples} samples)`);
  const warnings = [...(parts.warnings ?? [])];
  const taken = new Set<string>();
  const stored: Lead[] = [];
  for (const channel of parts.channels) {
    if (channel.samples.length !== nSamples) {
      throw new EinthovenError('E_FORMAT', `${parts.fileName}: lead ${channel.label} has ${channel.samples.length} samples, expected ${nSamples}`);
    }
    checkFinite(parts.fileName, channel.label, channel.samples);
    const name = uniqueName(canonicalLeadName(channel.label), taken);
    if (name !== channel.label.trim() && name.includes(' (')) warnings.push(`duplicate lead label ${channel.label} renamed ${name}`);
    taken.add(name);
    stored.push({ name, samples: channel.samples, derived: false, ...(channel.units !== undefined ? { units: channel.units } : {}) });
    const flat = nSamples > 1 ? constantValue(channel.samples) : undefined;
    if (flat !== undefined) warnings.push(`${name} is flat (every sample ${+flat.toPrecision(4)} mV; probably not recorded)`);
  }
  const derived = deriveMissingLimbLeads(stored);
  warnings.push(...derived.warnings);
  const unrecognised = unrecognisedBesideDerived(derived.leads);
  if (unrecognised) warnings.push(unrecognised);
  const leads = sortLeads(derived.leads);
  const names = new Set(leads.map((l) => l.name));
  const beat = parts.representativeBeat ? buildBeat(parts.fileName, parts.representativeBeat, warnings) : undefined;
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
    ...(beat ? { representativeBeat: beat } : {}),
    ...(parts.deviceMeasurements && Object.keys(parts.deviceMeasurements.values).length > 0 ? { deviceMeasurements: parts.deviceMeasurements } : {}),
  };
}
