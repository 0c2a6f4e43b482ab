"""Synthetic full-size shards for timing (the GPU check): ECG-like signals (a beat train plus noise
and baseline wander), random multi-hot labels, in the exporter's exact layout. For speed figures
only — nothing learnt from them means anything."""
import json
import os

import numpy as np

CLASSES = ['NORM', 'MI', 'STTC', 'CD', 'HYP']


def paper_pipeline(normalisation='logscale'):
    """registry/pipelines.ts defaultPipeline for a 500 Hz paper architecture (no augmentation: timing only)."""
    return {'version': 1, 'leads': ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
            'stages': [{'kind': 'resample', 'targetHz': 500}, {'kind': 'padTruncate', 'length': 5000},
                       {'kind': 'filter', 'band': 'bandpass', 'order': 2, 'cutoffHz': [1, 45], 'zeroPhase': True, 'paperExact': False},
                       {'kind': 'crop', 'length': 2048}, {'kind': 'normalise', 'method': normalisation}],
            'augmentation': None}


def signals(rng, n, length, fs):
    t = np.arange(length) / fs
    rate = rng.uniform(0.8, 1.6, size=(n, 1, 1))
    beats = np.sin(2 * np.pi * rate * t) ** 31  # narrow peaks once per beat
    wander = 0.1 * np.sin(2 * np.pi * rng.uniform(0.1, 0.4, size=(n, 1, 1)) * t)
    gain = rng.uniform(0.3, 1.5, size=(n, 12, 1))
    return (gain * beats + wander + 0.02 * rng.standard_normal((n, 12, length))).astype(np.float32)


def write_split(directory, name, records, length, fs, shard_size, rng):
    os.makedirs(os.path.join(directory, name), exist_ok=True)
    shards, ids = [], []
    for k, start in enumerate(range(0, records, shard_size)):
        n = min(shard_size, records - start)
        x, y = f'{name}/x-{k:05d}.npy', f'{name}/y-{k:05d}.npy'
        np.save(os.path.join(directory, x), signals(rng, n, length, fs))
        np.save(os.path.join(directory, y), (rng.random((n, len(CLASSES))) < 0.3).astype(np.float32))
        shards.append({'x': x, 'y': y, 'n': n})
        ids += [f'{name}-{start + i}' for i in range(n)]
    return {'shards': shards, 'ids': ids}


def write(directory, records, fs=500, seconds=10, val_fraction=0.1, shard_size=1024, seed=0):
    rng = np.random.default_rng(seed)
    length = fs * seconds
    val = max(1, int(records * val_fraction))
    index = {
        'format': 'einthoven-shards', 'formatVersion': 1, 'engineVersion': 'synthetic', 'createdAt': '',
        'dataset': {'name': f'synthetic-{records}', 'sha256': '0' * 64, 'records': {'train': records - val, 'val': val, 'test': 0},
                    'split': 'synthetic (timing only)'},
        'classes': CLASSES, 'architecture': {'name': 'resnet18', 'inputLength': 2048}, 'pipeline': paper_pipeline(),
        'length': length, 'leads': 12, 'failures': [],
        'splits': {'train': write_split(directory, 'train', records - val, length, fs, shard_size, rng),
                   'val': write_split(directory, 'val', val, length, fs, shard_size, rng)},
    }
    with open(os.path.join(directory, 'index.json'), 'w', encoding='utf-8') as f:
        json.dump(index, f)
    return index
