import { EinthovenError } from '../../errors';
import { ByteReader } from '../binary';
import { crcCcitt } from '../crc';

/** A section's body (after its 16-byte header) and the protocol version it declares. */
export interface ScpSection {
  readonly id: number;
  readonly body: ByteReader;
  readonly version: number;
}

export interface ScpRecord {
  readonly sections: ReadonlyMap<number, ScpSection>;
  /** Protocol version of section 0 (e.g. 20 = SCP-ECG 2.0). */
  readonly protocolVersion: number;
}

const sectionHeaderBytes = 16;
const pointerBytes = 10;

/** CRC-CCITT of bytes [start+2, end) must equal the little-endian word at start. */
function checkCrc(fileName: string, bytes: Uint8Array, start: number, end: number, what: string): void {
  const stored = (bytes[start] as number) | ((bytes[start + 1] as number) << 8);
  const computed = crcCcitt(bytes.subarray(start + 2, end));
  if (stored !== computed) {
    throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG ${what} fails its CRC check (stored ${stored}, computed ${computed}; data corrupt)`);
  }
}

/** Reads one section at a 0-based offset, checking its header, length and CRC. */
function readSection(fileName: string, file: ByteReader, offset: number, expectedId: number, declaredLength: number): ScpSection {
  const id = file.u16(offset + 2, `section ${expectedId} header`);
  const length = file.u32(offset + 4, `section ${expectedId} header`);
  if (id !== expectedId) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG pointer for section ${expectedId} leads to section ${id}`);
  if (length < sectionHeaderBytes || (declaredLength !== 0 && length !== declaredLength)) {
    throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG section ${id} length ${length} disagrees with its pointer (${declaredLength})`);
  }
  file.require(offset, length, `section ${id}`);
  checkCrc(fileName, file.bytes, offset, offset + length, `section ${id}`);
  const body = new ByteReader(fileName, file.bytes.subarray(offset + sectionHeaderBytes, offset + length), `SCP-ECG section ${id}`);
  return { id, body, version: file.u8(offset + 8, `section ${id} version`) };
}

/**
 * Splits an SCP-ECG record into its sections: checks the record CRC and size, reads the
 * section 0 pointer table (1-based byte indexes) and each present section with its CRC.
 */
export function readScpSections(fileName: string, bytes: Uint8Array): ScpRecord {
  const file = new ByteReader(fileName, bytes, 'SCP-ECG record');
  const size = file.u32(2, 'record size');
  if (size !== bytes.length) {
    throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG record declares ${size} bytes but the file has ${bytes.length} (truncated or padded)`);
  }
  checkCrc(fileName, bytes, 0, bytes.length, 'record');
  const section0 = readSection(fileName, file, 6, 0, 0);
  const sections = new Map<number, ScpSection>([[0, section0]]);
  const pointers = section0.body;
  for (let at = 0; at + pointerBytes <= pointers.length; at += pointerBytes) {
    const id = pointers.u16(at, 'section pointer');
    const length = pointers.u32(at + 2, 'section pointer');
    const index = pointers.u32(at + 6, 'section pointer');
    if (id === 0 || length === 0) continue;
    if (index < 1) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG section ${id} pointer has index ${index}`);
    if (sections.has(id)) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG section ${id} listed twice`);
    sections.set(id, readSection(fileName, file, index - 1, id, length));
  }
  return { sections, protocolVersion: file.u8(6 + 9, 'protocol version') };
}
