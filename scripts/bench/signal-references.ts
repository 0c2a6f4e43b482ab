/**
 * Reference annotations and measurements found in the shared corpus (../shared/data), for
 * scripts/bench/signal-eval.ts. Each loader returns undefined when its file is absent or
 * cannot be decoded yet, so the evaluation covers whatever is readable.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { decodeFiles } from '../../core/formats/index';
import { loadFilesForDecoding } from '../../core/formats/load';
import type { EcgRecord } from '../../core/formats/record';
import { loadAecgFixture, type AnnotatedBeat, type AnnotatedRecord } from '../../core/signal/annotated-fixture';
import { readWfdbAnnotations, type WfdbAnnotation } from '../../core/signal/wfdb-annotations';

export interface ReferenceRecord extends AnnotatedRecord {
  /** Who made the reference: cardiologists (LUDB) or the recording cart's software. */
  readonly annotator: string;
  /** Reference beats, sample indices, and per-lead beats when annotated per lead. */
  readonly referenceBeats: number[];
  readonly perLeadBeats?: ReadonlyMap<string, number[]>;
  /** Reference intervals computed from per-lead annotations the way we measure (global and per-lead median). */
  readonly perLeadMedianMs?: Partial<Record<'prMs' | 'qrsMs' | 'qtMs', number>>;
  /** Per annotated beat (as `beats`), the median over the leads of their QRS onset and offset, samples. */
  readonly qrsBoundaryMedians?: readonly { readonly on: number; readonly off: number }[];
}

function decode(file: string): EcgRecord | undefined {
  if (!existsSync(file)) return undefined;
  const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
  return outcome?.ok ? outcome.record : undefined;
}

/** 60 000 / mean RR of annotated beats (their own rate, not ours). */
const rateOf = (beats: readonly number[], fs: number): number => (60 * fs * (beats.length - 1)) / ((beats[beats.length - 1] as number) - (beats[0] as number));

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Waves '(' peak ')' of one LUDB lead file: { kind: 'N' | 'p' | 't', on, peak, off }. */
function ludbWaves(anns: readonly WfdbAnnotation[]): { kind: string; on: number; peak: number; off: number }[] {
  const waves = [];
  for (let i = 0; i + 2 < anns.length; i++) {
    const [a, b, c] = [anns[i], anns[i + 1], anns[i + 2]] as WfdbAnnotation[];
    if (a.symbol === '(' && c.symbol === ')') waves.push({ kind: b.symbol, on: a.sample, peak: b.sample, off: c.sample });
  }
  return waves;
}

/**
 * LUDB record 1 (cardiologists' per-lead P/QRS/T boundaries), as the shared corpus holds it.
 */
export function loadLudb(dataDir: string): ReferenceRecord | undefined {
  return loadLudbRecord(path.join(dataDir, 'ecg', 'wfdb-ludb'), 'ludb-ecg', 'wfdb-ludb/ludb-ecg');
}

/** At least this many leads must show a wave for a beat's global P or T boundary (LUDB leaves invisible waves unannotated). */
const ludbMinLeadsPerWave = 6;

/**
 * One LUDB record (`stem`.hea/.dat and one annotation file per lead). Global boundaries per beat
 * are the earliest onset and latest offset over the leads (as a cart measures), for beats whose
 * QRS is annotated in every lead; the P (T) boundary where at least `ludbMinLeadsPerWave` leads
 * show that wave (none in atrial fibrillation). Intervals are the median over the beats that
 * have them.
 */
export function loadLudbRecord(dir: string, stem: string, name: string): ReferenceRecord | undefined {
  const record = decode(path.join(dir, `${stem}.hea`));
  if (!record) return undefined;
  const perLead = new Map(record.leads.map((l) => [l.name, ludbWaves(readWfdbAnnotations(readFileSync(path.join(dir, `${stem}.${l.name.toLowerCase()}`))))]));
  const lead2 = (perLead.get('II') ?? []).filter((w) => w.kind === 'N');
  const beats: AnnotatedBeat[] = [];
  const qrsBoundaryMedians: { on: number; off: number }[] = [];
  const perLeadIntervals: Record<'prMs' | 'qrsMs' | 'qtMs', number[]> = { prMs: [], qrsMs: [], qtMs: [] };
  const ms = (samples: number) => (samples * 1000) / record.fs;
  for (const anchor of lead2) {
    const near = [...perLead.values()].map((waves) => {
      const qrs = waves.find((w) => w.kind === 'N' && Math.abs(w.peak - anchor.peak) < 0.1 * record.fs);
      const p = qrs && [...waves].reverse().find((w) => w.kind === 'p' && w.off <= qrs.on && qrs.on - w.off < 0.3 * record.fs);
      const t = qrs && waves.find((w) => w.kind === 't' && w.on >= qrs.off && w.on - qrs.off < 0.4 * record.fs);
      return { qrs, p, t };
    });
    for (const n of near) {
      if (!n.qrs) continue;
      if (n.p) perLeadIntervals.prMs.push(ms(n.qrs.on - n.p.on));
      perLeadIntervals.qrsMs.push(ms(n.qrs.off - n.qrs.on));
      if (n.t) perLeadIntervals.qtMs.push(ms(n.t.off - n.qrs.on));
    }
    const qrs = near.map((n) => n.qrs);
    if (qrs.some((q) => q === undefined)) continue;
    qrsBoundaryMedians.push({ on: median(qrs.map((q) => q!.on)), off: median(qrs.map((q) => q!.off)) });
    const ps = near.flatMap((n) => (n.p ? [n.p] : []));
    const ts = near.flatMap((n) => (n.t ? [n.t] : []));
    beats.push({
      ...(ps.length >= ludbMinLeadsPerWave ? { pOn: Math.min(...ps.map((p) => p.on)), pOff: Math.max(...ps.map((p) => p.off)) } : {}),
      qrsOn: Math.min(...qrs.map((q) => q!.on)),
      qrsOff: Math.max(...qrs.map((q) => q!.off)),
      ...(ts.length >= ludbMinLeadsPerWave ? { tOff: Math.max(...ts.map((t) => t.off)) } : {}),
    });
  }
  const global = (f: (b: AnnotatedBeat) => number | undefined) => {
    const values = beats.flatMap((b) => {
      const v = f(b);
      return v === undefined ? [] : [ms(v)];
    });
    return values.length === 0 ? undefined : median(values);
  };
  const orNone = (v: number[]) => (v.length === 0 ? undefined : median(v));
  const measurements = {
    heartRateBpm: rateOf(lead2.map((w) => w.peak), record.fs),
    prMs: global((b) => (b.pOn === undefined ? undefined : b.qrsOn - b.pOn)),
    qrsMs: global((b) => b.qrsOff - b.qrsOn),
    qtMs: global((b) => (b.tOff === undefined ? undefined : b.tOff - b.qrsOn)),
  };
  const perLeadMedians = { prMs: orNone(perLeadIntervals.prMs), qrsMs: orNone(perLeadIntervals.qrsMs), qtMs: orNone(perLeadIntervals.qtMs) };
  return {
    name,
    annotator: 'LUDB cardiologists (per-lead wave boundaries)',
    fs: record.fs,
    leads: record.leads.map((l) => ({ name: l.name, samples: l.samples })),
    beats,
    referenceBeats: lead2.map((w) => w.peak),
    perLeadBeats: new Map([...perLead].map(([lead, waves]) => [lead, waves.filter((w) => w.kind === 'N').map((w) => w.peak)])),
    measurements: definedOnly(measurements),
    perLeadMedianMs: definedOnly(perLeadMedians),
    qrsBoundaryMedians,
  };
}

/** The object without its undefined entries (the reference types' optional fields are exact). */
function definedOnly<K extends string>(o: Record<K, number | undefined>): Partial<Record<K, number>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<K, number>>;
}

const xmlNumber = (xml: string, tag: string): number | undefined => {
  const m = new RegExp(`<${tag}>\\s*(-?[\\d.]+)\\s*</${tag}>`).exec(xml);
  return m ? Number(m[1]) : undefined;
};

/** GE MUSE XML: 12SL's QRS times (ms → samples) and its global measurements. */
export function loadMuse(dataDir: string): ReferenceRecord | undefined {
  const file = path.join(dataDir, 'ecg', 'muse-xml', 'muse-sinus.xml');
  const record = decode(file);
  if (!record) return undefined;
  const xml = readFileSync(file, 'latin1');
  const block = /<RestingECGMeasurements>([\s\S]*?)<\/RestingECGMeasurements>/.exec(xml)?.[1] ?? '';
  const times = /<QRSTimesTypes>([\s\S]*?)<\/QRSTimesTypes>/.exec(xml)?.[1] ?? '';
  const referenceBeats = [...times.matchAll(/<Time>(\d+)<\/Time>/g)].map((m) => Math.round((Number(m[1]) * record.fs) / 1000));
  const measurements: ReferenceRecord['measurements'] = {};
  const put = (key: keyof ReferenceRecord['measurements'], tag: string) => {
    const v = xmlNumber(block, tag);
    if (v !== undefined) measurements[key] = v;
  };
  put('heartRateBpm', 'VentricularRate');
  put('prMs', 'PRInterval');
  put('qrsMs', 'QRSDuration');
  put('qtMs', 'QTInterval');
  put('qtcMs', 'QTCorrected');
  put('pAxisDeg', 'PAxis');
  put('qrsAxisDeg', 'RAxis');
  put('tAxisDeg', 'TAxis');
  return {
    name: 'muse-xml/muse-sinus.xml',
    annotator: 'GE MUSE 12SL (machine)',
    fs: record.fs,
    leads: record.leads.map((l) => ({ name: l.name, samples: l.samples })),
    beats: [],
    referenceBeats,
    measurements,
  };
}

/** The committed HL7 aECG example: the cart's beat boundaries and global measurements. */
export function loadAecg(): ReferenceRecord {
  const r = loadAecgFixture();
  const measurements = { ...r.measurements, heartRateBpm: rateOf(r.beats.map((b) => b.qrsOn), r.fs) };
  return { ...r, measurements, annotator: 'Mortara cart (machine), HL7 aECG example', referenceBeats: r.beats.map((b) => Math.round((b.qrsOn + b.qrsOff) / 2)) };
}

/** Philips Sierra XML global measurements, once a Philips reader exists (none yet: undefined). */
export function loadPhilips(dataDir: string, name: string): ReferenceRecord | undefined {
  const file = path.join(dataDir, 'ecg', 'philips-xml', name);
  const record = decode(file);
  if (!record) return undefined;
  const bytes = readFileSync(file);
  const xml = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.toString('utf16le') : bytes.toString('latin1');
  const block = /<globalmeasurements[^>]*>([\s\S]*?)<\/globalmeasurements>/.exec(xml)?.[1] ?? '';
  const first = (...tags: string[]) => tags.map((t) => xmlNumber(block.replace(/ editedflag="\w+"/g, ''), t)).find((v) => v !== undefined);
  const entries = { heartRateBpm: first('heartrate', 'meanventrate'), prMs: first('print', 'meanprint'), qrsMs: first('qrsdur', 'meanqrsdur'), qtMs: first('qtint', 'meanqtint'), pAxisDeg: first('pfrontaxis'), qrsAxisDeg: first('qrsfrontaxis'), tAxisDeg: first('tfrontaxis') };
  const measurements = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as ReferenceRecord['measurements'];
  return { name: `philips-xml/${name}`, annotator: 'Philips PageWriter (machine)', fs: record.fs, leads: record.leads.map((l) => ({ name: l.name, samples: l.samples })), beats: [], referenceBeats: [], measurements };
}

/**
 * DICOM 12-lead waveform (Mortara ELI 250): the cart's global measurements and per-beat
 * fiducial points from WaveformAnnotationSequence (0040,B020). The first annotated beat block
 * is the median beat (positions in its 1.2 s frame); the rhythm's beats follow it.
 */
export function loadDicom(dataDir: string): ReferenceRecord | undefined {
  const file = path.join(dataDir, 'ecg', 'dicom', 'waveform_ecg.dcm');
  const record = decode(file);
  if (!record) return undefined;
  const dataSet = dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
  const items = dataSet.elements.x0040b020?.items ?? [];
  const values = new Map<string, number>();
  const fiducials: number[] = [];
  for (const item of items) {
    const d = item.dataSet;
    const meaning = d?.elements.x0040a043?.items?.[0]?.dataSet?.string('x00080104');
    if (!d || !meaning) continue;
    const numeric = d.string('x0040a30a');
    if (numeric !== undefined && !values.has(meaning)) values.set(meaning, Number(numeric));
    if (meaning === 'Fiducial Point' && d.elements.x0040a132) fiducials.push(d.uint32('x0040a132', 0) ?? Number.NaN);
  }
  const get = (name: string) => values.get(name);
  const rr = get('RR Interval');
  const entries = { heartRateBpm: rr ? 60000 / rr : undefined, prMs: get('PR Interval'), qrsMs: get('QRS Duration'), qtMs: get('QT Interval'), qtcMs: get('QTc Interval'), pAxisDeg: get('P Axis'), qrsAxisDeg: get('QRS Axis'), tAxisDeg: get('T Axis') };
  const measurements = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as ReferenceRecord['measurements'];
  return {
    name: 'dicom/waveform_ecg.dcm',
    annotator: 'Mortara ELI 250 (machine)',
    fs: record.fs,
    leads: record.leads.map((l) => ({ name: l.name, samples: l.samples })),
    beats: [],
    referenceBeats: fiducials.slice(1).filter(Number.isFinite),
    measurements,
  };
}
