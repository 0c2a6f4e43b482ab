import type { DataSet } from 'dicom-parser';

const maxStatements = 200;

/** DICOM DA/TM/DT → ISO local time: Acquisition DateTime, else Content, else Study date and time. */
export function dicomStartTime(set: DataSet): string | undefined {
  const combined = set.string('x0008002a') ?? `${set.string('x00080023') ?? set.string('x00080020') ?? ''}${set.string('x00080033') ?? set.string('x00080030') ?? ''}`;
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(\d{2})?(\.\d+)?)?/.exec(combined);
  if (!m) return undefined;
  if (m[4] === undefined) return `${m[1]}-${m[2]}-${m[3]}`;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}`;
}

/** Free-text statements of the Waveform Annotation Sequence (0040,B020): Unformatted Text Value (0070,0006). */
export function dicomStatements(set: DataSet): string[] {
  const out: string[] = [];
  for (const item of set.elements['x0040b020']?.items ?? []) {
    const text = item.dataSet?.text('x00700006')?.trim();
    if (text) out.push(text);
    if (out.length >= maxStatements) break;
  }
  return out;
}
