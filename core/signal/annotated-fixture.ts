import { readFileSync } from 'node:fs';
import { fixturePath } from '../test/shared-data';
import type { NamedLead } from './record-quality';

/** Wave boundaries of one annotated beat, sample indices (absent = not annotated). */
export interface AnnotatedBeat {
  readonly pOn?: number;
  readonly pOff?: number;
  readonly qrsOn: number;
  readonly qrsOff: number;
  readonly tOff?: number;
}

export interface AnnotatedRecord {
  readonly name: string;
  readonly fs: number;
  readonly leads: NamedLead[];
  readonly beats: AnnotatedBeat[];
  /** The file's own global measurements (ms, degrees), when it has them. */
  readonly measurements: Partial<Record<'prMs' | 'qrsMs' | 'qtMs' | 'qtcMs' | 'pAxisDeg' | 'qrsAxisDeg' | 'tAxisDeg' | 'heartRateBpm', number>>;
}

interface AecgFixtureFile {
  fs: number;
  unitUv: number;
  leads: Record<string, string>;
  beats: AnnotatedBeat[];
  measurements: AnnotatedRecord['measurements'];
}

/**
 * The committed HL7 aECG example (CC0; core/test/fixtures/signal/aecg-example.json, made by
 * scripts/fixtures/signal_aecg.py): 12 leads at 500 Hz with 12 annotated beats and the
 * recording cart's global measurements.
 */
export function loadAecgFixture(): AnnotatedRecord {
  const file = JSON.parse(readFileSync(fixturePath('signal', 'aecg-example.json'), 'utf8')) as AecgFixtureFile;
  const leads = Object.entries(file.leads).map(([name, b64]) => {
    const bytes = Buffer.from(b64, 'base64');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { name, samples: Float32Array.from({ length: bytes.byteLength / 2 }, (_, i) => (view.getInt16(2 * i, true) * file.unitUv) / 1000) };
  });
  return { name: 'aecg/Example_aECG.xml', fs: file.fs, leads, beats: file.beats, measurements: file.measurements };
}
