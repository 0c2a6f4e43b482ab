"""A minimal float32 safetensors reader/writer (the format of huggingface/safetensors), so the
package needs nothing beyond torch and numpy. Data is little-endian, C order; no pickle."""
import json
import struct

import numpy as np

MAX_HEADER = 16 * 1024 * 1024


def save(path, tensors, metadata=None):
    """tensors: ordered dict name -> np.ndarray (converted to float32)."""
    header = {'__metadata__': {k: str(v) for k, v in (metadata or {}).items()}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype='<f4')
        header[name] = {'dtype': 'F32', 'shape': list(data.shape), 'data_offsets': [offset, offset + data.nbytes]}
        blobs.append(data.tobytes())
        offset += data.nbytes
    text = json.dumps(header, separators=(',', ':'))
    text += ' ' * ((8 - (8 + len(text.encode())) % 8) % 8)
    tmp = f'{path}.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(text.encode())))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)
    import os
    os.replace(tmp, path)


def load(path):
    """Returns (dict name -> np.ndarray float32 in file order, metadata dict)."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f'{path}: too short for a safetensors file')
    (length,) = struct.unpack('<Q', raw[:8])
    if length > min(MAX_HEADER, len(raw) - 8):
        raise ValueError(f'{path}: header length {length} does not fit')
    header = json.loads(raw[8:8 + length].decode())
    data = memoryview(raw)[8 + length:]
    metadata = header.pop('__metadata__', {}) or {}
    out = {}
    for name, entry in header.items():
        if entry['dtype'] != 'F32':
            raise ValueError(f'{path}: tensor {name} is {entry["dtype"]}, only F32 is accepted')
        begin, end = entry['data_offsets']
        shape = tuple(entry['shape'])
        if end - begin != 4 * int(np.prod(shape, dtype=np.int64)) or end > len(data):
            raise ValueError(f'{path}: tensor {name} bytes do not match its shape')
        out[name] = np.frombuffer(data[begin:end], dtype='<f4').reshape(shape).copy()
    return out, metadata
