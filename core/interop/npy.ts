import { EinthovenError } from '../errors';
import { float32FromLittleEndian, littleEndianBytes } from './safetensors';

/**
 * NumPy's .npy format (version 1.0), float32 little-endian, C order: what a PyTorch DataLoader
 * memory-maps with numpy.load(mmap_mode='r') without a copy.
 */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new EinthovenError('E_VALIDATION', `npy: shape [${shape.join(', ')}] does not hold ${data.length} values`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, ending in \n.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(littleEndianBytes(data), 10 + header.length);
  return out;
}

/** Reads a float32 (or float64, converted) C-order .npy written by numpy; E_FORMAT otherwise. */
export function decodeNpy(bytes: Uint8Array, where: string): { data: Float32Array; shape: number[] } {
  const bad = (why: string): never => {
    throw new EinthovenError('E_FORMAT', `${where}: not a readable .npy array (${why})`);
  };
  if (bytes.length < 10 || bytes[0] !== 0x93 || Buffer.from(bytes.subarray(1, 6)).toString('latin1') !== 'NUMPY') bad('no NUMPY magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length || headerLength > 65536) bad('header length');
  const header = Buffer.from(bytes.subarray(start, start + headerLength)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) bad('Fortran order');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) bad('header fields');
  const shape = shapeText!.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad('shape');
  const size = shape.reduce((a, b) => a * b, 1);
  const itemBytes = descr === '<f4' ? 4 : descr === '<f8' ? 8 : bad(`dtype ${descr!}`);
  const bodyStart = start + headerLength;
  if (bytes.length - bodyStart !== size * itemBytes) bad(`${bytes.length - bodyStart} data bytes for shape (${shape.join(', ')})`);
  if (itemBytes === 4) return { data: float32FromLittleEndian(bytes.subarray(bodyStart)), shape };
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = view.getFloat64(bodyStart + i * 8, true);
  return { data, shape };
}
