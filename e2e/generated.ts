/**
 * Small WFDB records written on the fly (format 16, one .hea + one .dat), for tests that need
 * a shape no bundled sample has: a modified-lead Holter pair (MIT-BIH 100's MLII and V5), a
 * monitor record with a blood-pressure channel in mmHg, or a thousand distinct records.
 */
export interface GeneratedChannel {
  readonly name: string;
  /** WFDB units ("mV", "mmHg"); gain is ADC units per unit. */
  readonly units: string;
  readonly gain: number;
  readonly values: (t: number) => number;
}

export interface GeneratedFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

/** A synthetic ECG-like wave (R peaks at 75 bpm, a T wave, a slight respiratory wander), shifted per record so each is distinct. */
export function beatWave(shiftS = 0, amplitudeMv = 1): (t: number) => number {
  return (t) => {
    const phase = ((t + shiftS) % 0.8) - 0.4;
    return amplitudeMv * Math.exp(-(phase * phase) / 0.0004) + 0.15 * Math.exp(-((phase - 0.2) ** 2) / 0.003) + 0.03 * Math.sin(2 * Math.PI * 0.25 * t);
  };
}

export function wfdbRecord(record: string, fs: number, seconds: number, channels: readonly GeneratedChannel[], comments: readonly string[] = []): GeneratedFile[] {
  const n = Math.round(fs * seconds);
  const data = Buffer.alloc(n * channels.length * 2);
  const sums = channels.map(() => 0);
  const first = channels.map(() => 0);
  for (let i = 0; i < n; i++) {
    channels.forEach((c, k) => {
      const adc = Math.max(-32767, Math.min(32767, Math.round(c.values(i / fs) * c.gain)));
      if (i === 0) first[k] = adc;
      sums[k] = (sums[k] as number) + adc;
      data.writeInt16LE(adc, (i * channels.length + k) * 2);
    });
  }
  // WFDB checksum: the 16-bit two's-complement sum of the samples.
  const checksum = (sum: number) => ((((sum % 65536) + 65536 + 32768) % 65536) - 32768);
  const lines = [
    `${record} ${channels.length} ${fs} ${n}`,
    ...channels.map((c, k) => `${record}.dat 16 ${c.gain}/${c.units} 16 0 ${first[k]} ${checksum(sums[k] as number)} 0 ${c.name}`),
    ...comments.map((c) => `# ${c}`),
  ];
  return [
    { name: `${record}.hea`, mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) },
    { name: `${record}.dat`, mimeType: 'application/octet-stream', buffer: data },
  ];
}
