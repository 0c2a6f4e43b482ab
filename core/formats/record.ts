import type { QtcFormula } from '../signal/qtc';

/**
 * The one record type every reader produces. Values are physical (mV); ADC counts never
 * leave a reader (see AdcSignal). Missing samples are NaN; a missing lead is absent from
 * `leads` and listed in `missingLeads`.
 */
export const canonicalLeads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type CanonicalLead = (typeof canonicalLeads)[number];

/** Physical samples in millivolts. Branded so ADC counts cannot be passed where mV are expected. */
export type MillivoltSamples = Float32Array & { readonly __unit: 'mV' };

/** Raw digital (ADC) samples as stored in a file, before gain and baseline are applied. */
export interface AdcSignal {
  readonly kind: 'adc';
  readonly samples: Int32Array;
  readonly gain: number; // ADC units per mV
  readonly baseline: number; // ADC value that corresponds to 0 mV
}

export interface Lead {
  /** Canonical name (I, II, …, V6) when recognised, otherwise the file's own label. */
  readonly name: string;
  readonly samples: MillivoltSamples;
  /** True when computed from other leads (e.g. III = II − I) rather than recorded. */
  readonly derived: boolean;
  /** The channel's own physical unit when it is not a voltage (mmHg, NU, %): not an ECG lead, values kept as they are. */
  readonly units?: string;
}

export interface PatientInfo {
  id?: string;
  name?: string;
  sex?: 'M' | 'F' | 'U';
  ageYears?: number;
  birthDate?: string;
}

export interface SourceInfo {
  /** Stable identifier of the reader, e.g. 'wfdb', 'muse-xml', 'scp-ecg'. */
  format: string;
  version?: string;
}

/** A time-stamped event stored in the file (EDF+ TAL, …). */
export interface Annotation {
  /** Seconds from the start of the record. */
  readonly onsetS: number;
  readonly durationS?: number;
  readonly text: string;
}

/** A representative (median or average) beat computed by the device, when the file stores one. */
export interface RepresentativeBeat {
  readonly fs: number;
  readonly nSamples: number;
  readonly leads: readonly Lead[];
}

/** Global measurements the recording device stored with the ECG (ms, degrees, bpm). */
export const deviceMeasurementFields = ['heartRateBpm', 'prMs', 'qrsMs', 'qtMs', 'qtcMs', 'pAxisDeg', 'qrsAxisDeg', 'tAxisDeg', 'rrMs', 'atrialRateBpm', 'pDurationMs', 'prSegmentMs', 'qtDispersionMs'] as const;
export type DeviceMeasurementField = (typeof deviceMeasurementFields)[number];

export interface DeviceMeasurements {
  /** The program that measured, in the file's terms (e.g. "GE MUSE 12SL", "Philips PageWriter"). */
  readonly source: string;
  readonly values: Partial<Record<DeviceMeasurementField, number>>;
  /**
   * The formula of `values.qtcMs`, only where the file names it (Philips' qtcb, MUSE's
   * QTcFrederica, aECG's MDC_ECG_TIME_PD_QTcB); absent where the file says only "QTc",
   * because carts are configured per site and the number alone does not tell.
   */
  readonly qtcFormula?: QtcFormula;
  /**
   * Further QTcs the file gives, each under a formula it names (MUSE's QTcFrederica beside
   * QTCorrected, Philips' qtcf beside qtcb, a qtco's methodname): a cart may print several,
   * and each is a figure a reader may look up, so none is dropped for being second.
   */
  readonly otherQtcs?: DeviceQtc[];
}

/** A QTc the file gives under a formula it names, with the file's own name for it (e.g. "QTcFrederica", "qtcf"). */
export interface DeviceQtc {
  readonly ms: number;
  readonly formula: QtcFormula;
  readonly name: string;
}

export interface EcgRecord {
  readonly fs: number;
  readonly nSamples: number;
  readonly leads: readonly Lead[];
  readonly missingLeads: readonly string[];
  /** ISO 8601 local time when known. */
  readonly startTime?: string;
  readonly patient: PatientInfo;
  /** Machine or physician statements found in the file, verbatim. */
  readonly statements: readonly string[];
  readonly source: SourceInfo;
  readonly warnings: readonly string[];
  /** Events stored in the file (e.g. EDF+ annotations), when present. */
  readonly annotations?: readonly Annotation[];
  /** The device's representative beat (MUSE median, Philips repbeats, aECG, DICOM, SCP section 5), when stored. */
  readonly representativeBeat?: RepresentativeBeat;
  /** The device's own global measurements (MUSE, Philips, DICOM, HL7 aECG, SCP-ECG section 7), when stored. */
  readonly deviceMeasurements?: DeviceMeasurements;
}

/**
 * A record's duration in seconds as its file holds it, before any resampling: what a model's
 * minimum duration is measured on (its validation records) and held against (predict, evaluate).
 */
export function recordSeconds(record: { readonly fs: number; readonly leads: readonly { readonly samples: { readonly length: number } }[] }): number {
  return record.fs > 0 ? (record.leads[0]?.samples.length ?? 0) / record.fs : 0;
}

export function asMillivolts(samples: Float32Array): MillivoltSamples {
  return samples as MillivoltSamples;
}

/** Converts ADC counts to mV: physical = (d − baseline) / gain. Invalid-sample markers become NaN. */
export function adcToMillivolts(adc: AdcSignal, invalidValue?: number): MillivoltSamples {
  const out = new Float32Array(adc.samples.length);
  const { samples, gain, baseline } = adc;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i] as number;
    out[i] = d === invalidValue ? Number.NaN : (d - baseline) / gain;
  }
  return asMillivolts(out);
}

/** A file handed to the readers: a (relative) name and its bytes. Multi-file formats (WFDB) read several. */
export interface SourceFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}
