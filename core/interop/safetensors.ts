import { EinthovenError } from '../errors';

/**
 * The safetensors container (huggingface/safetensors): an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
 * data. PyTorch, JAX and numpy all read it without pickle, so nothing executable crosses the
 * boundary. Only float32 is written or accepted here: every Einthoven weight is float32.
 */
/** Platforms Node runs on are little-endian; the loops below are for the rare one that is not. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float32 values as little-endian bytes (a view, without copying, where the platform is little-endian). */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/** A copy of little-endian float32 bytes as a Float32Array (any alignment). */
export function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  const values = new Float32Array(bytes.length / 4);
  if (littleEndian) new Uint8Array(values.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  }
  return values;
}

/**
 * Little-endian float32 bytes as a Float32Array: a view of them, without copying, where the
 * platform is little-endian and they sit 4-byte aligned (the format aligns its data to 8), else a copy.
 */
function float32Of(bytes: Uint8Array): Float32Array {
  if (littleEndian && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return float32FromLittleEndian(bytes);
}

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  readonly tensors: NamedArray[];
  readonly metadata: Record<string, string>;
}

/** Bounds for reading untrusted files: a header this large is not a model's. */
export const safetensorsLimits = { headerBytes: 16 * 1024 * 1024, tensors: 100_000, rank: 8 } as const;

export function encodeSafetensors(tensors: readonly NamedArray[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new EinthovenError('E_VALIDATION', `tensor ${t.name}: shape [${t.shape.join(', ')}] does not hold ${t.data.length} values`);
    if (t.name === '__metadata__' || t.name in header) throw new EinthovenError('E_VALIDATION', `tensor name ${t.name} is used twice`);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  // The format pads the header with spaces so the data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(littleEndianBytes(t.data), at);
    at += t.data.length * 4;
  }
  return out;
}

interface HeaderEntry {
  dtype: unknown;
  shape: unknown;
  data_offsets: unknown;
}

function fail(where: string, why: string): never {
  throw new EinthovenError('E_FORMAT', `${where}: not a readable safetensors file (${why})`);
}

function parseHeader(bytes: Uint8Array, where: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(where, 'shorter than its 8-byte header length');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (length > BigInt(Math.min(safetensorsLimits.headerBytes, bytes.length - 8))) fail(where, `header of ${length} bytes does not fit`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + Number(length))).toString('utf8'));
  } catch {
    fail(where, 'header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(where, 'header is not an object');
  return { header: header as Record<string, unknown>, dataStart: 8 + Number(length) };
}

function readEntry(name: string, entry: HeaderEntry, data: Uint8Array, where: string): NamedArray {
  if (entry.dtype !== 'F32') fail(where, `tensor ${name} is ${String(entry.dtype)}, only F32 is accepted`);
  const shape = entry.shape;
  if (!Array.isArray(shape) || shape.length > safetensorsLimits.rank || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail(where, `tensor ${name} has an invalid shape`);
  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o))) fail(where, `tensor ${name} has invalid offsets`);
  const [begin, end] = offsets as [number, number];
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (begin < 0 || end > data.length || end - begin !== 4 * size) fail(where, `tensor ${name}'s bytes [${begin}, ${end}) do not match its shape or the file`);
  return { name, shape: shape as number[], data: float32Of(data.subarray(begin, end)) };
}

/**
 * Reads a float32 safetensors file; E_FORMAT naming what is wrong, never an allocation the file
 * does not back. The tensors view `bytes` where they can (copying 140 MB of VGG11-bn weights cost
 * a second of every import), so `bytes` is not to be changed while they are in use.
 */
export function decodeSafetensors(bytes: Uint8Array, where: string): SafetensorsFile {
  const { header, dataStart } = parseHeader(bytes, where);
  const data = bytes.subarray(dataStart);
  const metadata: Record<string, string> = {};
  const rawMeta = header['__metadata__'];
  if (rawMeta !== undefined) {
    if (typeof rawMeta !== 'object' || rawMeta === null) fail(where, '__metadata__ is not an object');
    for (const [k, v] of Object.entries(rawMeta)) if (typeof v === 'string') metadata[k] = v;
  }
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length > safetensorsLimits.tensors) fail(where, `${names.length} tensors`);
  const tensors = names.map((name) => readEntry(name, header[name] as HeaderEntry, data, where));
  return { tensors, metadata };
}
