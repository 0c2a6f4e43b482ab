"""Reads the shards `ecg dataset export-shards` writes (core/interop/shards.ts): memory-mapped,
one record at a time, so a dataset far larger than memory streams from disk."""
import bisect
import json
import os

import numpy as np
import torch
from torch.utils.data import Dataset

FORMAT = 'einthoven-shards'


def read_index(directory):
    with open(os.path.join(directory, 'index.json'), encoding='utf-8') as f:
        index = json.load(f)
    if index.get('format') != FORMAT or index.get('formatVersion') != 1:
        raise ValueError(f'{directory}: not an Einthoven shard folder (format {index.get("format")!r})')
    return index


class ShardSplit(Dataset):
    """Pre-crop signals and labels of one split; `transform(x, rng)` makes the model input."""

    def __init__(self, directory, index, split):
        self.directory = directory
        self.files = index['splits'][split]['shards']
        self.ids = index['splits'][split]['ids']
        self.offsets = np.cumsum([0] + [f['n'] for f in self.files]).tolist()
        self._x = [None] * len(self.files)
        self._y = [None] * len(self.files)

    def __len__(self):
        return self.offsets[-1]

    def _shard(self, k):
        if self._x[k] is None:  # opened lazily in each DataLoader worker
            self._x[k] = np.load(os.path.join(self.directory, self.files[k]['x']), mmap_mode='r')
            self._y[k] = np.load(os.path.join(self.directory, self.files[k]['y']))
        return self._x[k], self._y[k]

    def record(self, i):
        k = bisect.bisect_right(self.offsets, i) - 1
        x, y = self._shard(k)
        row = i - self.offsets[k]
        return np.asarray(x[row], dtype=np.float32), np.asarray(y[row], dtype=np.float32)

    def labels(self):
        return np.concatenate([self._shard(k)[1] for k in range(len(self.files))]) if self.files else np.zeros((0, 0), np.float32)


class TrainingSamples(Dataset):
    """Random crop + normalisation + augmentation per draw, seeded by (seed, epoch, index) so a run
    is reproducible whatever the number of processes or loader workers."""

    def __init__(self, split, transform, seed):
        self.split, self.transform, self.seed, self.epoch = split, transform, seed, 0

    def __len__(self):
        return len(self.split)

    def __getitem__(self, i):
        x, y = self.split.record(i)
        rng = np.random.default_rng([self.seed, self.epoch, i])
        return torch.from_numpy(self.transform.train(x, rng)), torch.from_numpy(y)
