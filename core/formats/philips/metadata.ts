import { decodeBase64, int16LittleEndian } from '../base64';
import type { BeatParts } from '../build';
import { asMillivolts, type PatientInfo } from '../record';
import { attr, child, children, text, type XmlNode, type XmlValue } from '../xml/parse';

const asNodes = (values: XmlValue[]): XmlNode[] => values.filter((v): v is XmlNode => typeof v !== 'string' && !Array.isArray(v));
const maxStatements = 200;

export function philipsPatient(root: XmlNode): PatientInfo {
  const general = child(child(root, 'patient'), 'generalpatientdata');
  const patient: PatientInfo = {};
  const id = text(general, 'patientid');
  if (id) patient.id = id;
  const name = [text(child(general, 'name'), 'firstname'), text(child(general, 'name'), 'lastname')].filter(Boolean).join(' ');
  if (name) patient.name = name;
  const sex = text(general, 'sex')?.toLowerCase();
  if (sex) patient.sex = sex.startsWith('m') ? 'M' : sex.startsWith('f') ? 'F' : 'U';
  const age = child(general, 'age');
  const years = Number(text(age, 'years'));
  if (text(age, 'years') && Number.isFinite(years) && years > 0) patient.ageYears = years;
  const birth = text(age, 'dateofbirth');
  if (birth && /^\d{4}-\d{2}-\d{2}$/.test(birth)) patient.birthDate = birth;
  return patient;
}

/** Left-hand statements of 1.03 (<statement><leftstatement>) and 1.04 (<unparsedstatement><lhsstatement>) interpretations. */
export function philipsStatements(root: XmlNode): string[] {
  const out: string[] = [];
  const visit = (node: XmlNode, depth: number) => {
    if (depth > 8 || out.length >= maxStatements) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@_')) continue;
      for (const item of asNodes(Array.isArray(value) ? value : [value])) {
        const statement = key === 'statement' ? text(item, 'leftstatement') : key === 'unparsedstatement' ? text(item, 'lhsstatement') : undefined;
        if (statement?.trim()) out.push(statement.trim());
        else visit(item, depth + 1);
      }
    }
  };
  const interpretations = child(root, 'interpretations');
  if (interpretations) visit(interpretations, 0);
  return [...new Set(out)];
}

/** The uncompressed representative beats of <repbeats> (int16 LE base64 per lead), when present. */
export function repbeatChannels(fileName: string, root: XmlNode, warnings: string[]): BeatParts | undefined {
  const repbeats = child(child(root, 'waveforms'), 'repbeats');
  if (!repbeats) return undefined;
  const fs = Number(attr(repbeats, 'samplespersec') ?? attr(repbeats, 'samplespersecond'));
  const resolution = Number(attr(repbeats, 'resolution') ?? '1');
  if (!(fs > 0) || !(resolution > 0)) {
    warnings.push(`${fileName}: representative beats ignored (rate ${fs}, resolution ${resolution})`);
    return undefined;
  }
  const channels = asNodes(children(repbeats, 'repbeat')).map((beat) => {
    const values = int16LittleEndian(decodeBase64(text(child(beat, 'waveform')) ?? text(beat) ?? ''));
    const samples = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) samples[i] = ((values[i] as number) * resolution) / 1000;
    return { label: attr(beat, 'leadname') ?? '?', samples: asMillivolts(samples) };
  });
  return channels.length > 0 ? { fs, channels } : undefined;
}
