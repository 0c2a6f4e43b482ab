import { EinthovenError } from '../../errors';
import { decodeBase64, int16LittleEndian } from '../base64';
import { buildRecord, type BeatParts, type Channel } from '../build';
import { checkFs, checkSignalSize, limits } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { attr, child, parseXml, text, type XmlNode } from '../xml/parse';
import { philipsMeasurements } from '../device-measurements';
import { philipsPatient, philipsStatements, repbeatChannels } from './metadata';
import { decodeXli } from './xli';

const standardLeads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/**
 * Philips stores III, aVR, aVL and aVF as residuals against I and II (integer arithmetic,
 * floor division). Rebuilt in this order because aVL and aVF use the rebuilt III.
 */
function rebuildLimbLeads(leads: Int32Array[]): void {
  const [lead1, lead2, lead3, avr, avl, avf] = leads as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  for (let i = 0; i < lead1.length; i++) {
    const a = lead1[i] as number;
    const b = lead2[i] as number;
    const iii = b - a - (lead3[i] as number);
    lead3[i] = iii;
    avr[i] = -(avr[i] as number) - Math.floor((a + b) / 2);
    avl[i] = Math.floor((a - iii) / 2) - (avl[i] as number);
    avf[i] = Math.floor((b + iii) / 2) - (avf[i] as number);
  }
}

interface Acquisition {
  fs: number;
  resolutionUv: number;
  labels: string[];
  nSamples: number;
}

/** Rate, resolution, lead labels and samples per lead: 1.04 puts them on <parsedwaveforms>, 1.03 under <signalcharacteristics>. */
function acquisitionOf(fileName: string, root: XmlNode, waveforms: XmlNode): Acquisition {
  const signal = child(child(root, 'dataacquisition'), 'signalcharacteristics');
  const fs = Number(attr(waveforms, 'samplespersecond') ?? text(signal, 'samplingrate'));
  const resolutionUv = Number(attr(waveforms, 'resolution') ?? text(signal, 'signalresolution') ?? '5');
  checkFs(fileName, fs);
  if (!(resolutionUv > 0)) throw new EinthovenError('E_FORMAT', `${fileName}: Philips signal resolution '${resolutionUv}' µV`);
  const count = Number(attr(waveforms, 'numberofleads') ?? text(signal, 'numberchannelsallocated') ?? '12');
  if (!Number.isInteger(count) || count < 1 || count > limits.maxLeads) throw new EinthovenError('E_FORMAT', `${fileName}: Philips lead count '${count}'`);
  const labelText = attr(waveforms, 'leadlabels');
  const labels = labelText ? labelText.trim().split(/\s+/).slice(0, count) : Array.from({ length: count }, (_, i) => standardLeads[i] ?? `channel ${i + 1}`);
  const durationMs = Number(attr(waveforms, 'durationperchannel'));
  if (!(durationMs > 0)) throw new EinthovenError('E_FORMAT', `${fileName}: Philips durationperchannel '${attr(waveforms, 'durationperchannel')}'`);
  const nSamples = Math.round((durationMs * fs) / 1000);
  checkSignalSize(fileName, labels.length, nSamples);
  return { fs, resolutionUv, labels, nSamples };
}

function decodeWaveforms(fileName: string, waveforms: XmlNode, acq: Acquisition): Int32Array[] {
  const data = decodeBase64(text(waveforms) ?? '');
  const method = (attr(waveforms, 'compressmethod') ?? attr(waveforms, 'compression') ?? (attr(waveforms, 'compressflag') === 'True' ? 'XLI' : 'Uncompressed')).toUpperCase();
  if (method === 'XLI') return decodeXli(fileName, data, acq.labels.length, 4 * acq.nSamples + 4096);
  if (method !== 'UNCOMPRESSED' && method !== 'NONE') throw new EinthovenError('E_UNSUPPORTED', `${fileName}: Philips waveform compression '${method}' is not supported`);
  const all = int16LittleEndian(data);
  return acq.labels.map((_, k) => all.slice(k * acq.nSamples, (k + 1) * acq.nSamples));
}

/** Reads a Philips Sierra/PageWriter ECG XML (1.03, 1.04, 1.04.01), XLI-compressed or not. */
export function readPhilipsXml(file: SourceFile): EcgRecord {
  const doc = parseXml(file.name, file.bytes, ['statement', 'codedstatement', 'interpretation', 'repbeat']);
  const root = child(doc, 'restingecgdata');
  if (!root) throw new EinthovenError('E_FORMAT', `${file.name}: no <restingecgdata> element`);
  const waveforms = child(child(root, 'waveforms'), 'parsedwaveforms');
  if (!waveforms) throw new EinthovenError('E_FORMAT', `${file.name}: no <parsedwaveforms> element`);
  if ((attr(waveforms, 'dataencoding') ?? 'Base64').toLowerCase() !== 'base64') {
    throw new EinthovenError('E_UNSUPPORTED', `${file.name}: Philips waveform encoding '${attr(waveforms, 'dataencoding')}' is not supported`);
  }
  const acq = acquisitionOf(file.name, root, waveforms);
  const leads = decodeWaveforms(file.name, waveforms, acq);
  const warnings: string[] = [];
  if (leads.length < acq.labels.length) throw new EinthovenError('E_FORMAT', `${file.name}: waveform data hold ${leads.length} of ${acq.labels.length} leads`);
  const shortest = Math.min(...leads.map((l) => l.length));
  // Allocation follows durationperchannel only when the data roughly back it up.
  if (shortest < acq.nSamples / 2) throw new EinthovenError('E_FORMAT', `${file.name}: waveform data hold ${shortest} samples in a lead, durationperchannel implies ${acq.nSamples} (truncated)`);
  const short = leads.filter((l) => l.length < acq.nSamples).length;
  if (short > 0) warnings.push(`${short} leads hold fewer than ${acq.nSamples} samples; the rest is marked missing`);
  if (standardLeads.slice(0, 6).every((name, i) => acq.labels[i] === name)) rebuildLimbLeads(leads);
  const offset = Number(attr(waveforms, 'signaloffset') ?? text(child(child(root, 'dataacquisition'), 'signalcharacteristics'), 'signaloffset') ?? '0') || 0;
  const channels: Channel[] = acq.labels.map((label, k) => {
    const samples = new Float32Array(acq.nSamples).fill(Number.NaN);
    const values = leads[k]!;
    const n = Math.min(values.length, acq.nSamples);
    for (let i = 0; i < n; i++) samples[i] = (((values[i] as number) - offset) * acq.resolutionUv) / 1000;
    return { label, samples: asMillivolts(samples) };
  });
  const acquisition = child(root, 'dataacquisition');
  const date = attr(acquisition, 'date');
  const time = attr(acquisition, 'time');
  const representativeBeat: BeatParts | undefined = repbeatChannels(file.name, root, warnings);
  return buildRecord({
    fileName: file.name,
    fs: acq.fs,
    channels,
    source: { format: 'philips-xml', ...(text(child(root, 'documentinfo'), 'documentversion') ? { version: text(child(root, 'documentinfo'), 'documentversion')! } : {}) },
    patient: philipsPatient(root),
    statements: philipsStatements(root),
    deviceMeasurements: philipsMeasurements(root),
    warnings,
    ...(date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? { startTime: time && /^\d{2}:\d{2}:\d{2}$/.test(time) ? `${date}T${time}` : date } : {}),
    ...(representativeBeat ? { representativeBeat } : {}),
  });
}
