"""The engine's per-sample stages after the crop (core/signal/pipeline.ts, normalise.ts,
augment.ts), applied to the pre-crop signals the shards hold. Float64 statistics, float32 out,
ε = 1e-8, exactly as the engine computes them."""
import math

import numpy as np

EPS = 1e-8


def crop_start(n, length, rng=None):
    """Uniform over [0, n − length] in training, the centre in evaluation (Eq. 1)."""
    if n <= length:
        return 0
    if rng is None:
        return (n - length) // 2
    return int(rng.integers(0, n - length + 1))


def crop_at(x, start, length):
    out = np.zeros((x.shape[0], length), dtype=np.float32)
    part = x[:, start:start + length]
    out[:, :part.shape[1]] = part
    return out


def window_starts(n, length, stride):
    """0, stride, 2·stride, … plus a last window ending exactly at n (one window at 0 when n ≤ length)."""
    if n <= length:
        return [0]
    starts = list(range(0, n - length + 1, stride))
    if starts[-1] != n - length:
        starts.append(n - length)
    return starts


def _affine(lead, offset, divisor):
    return ((lead.astype(np.float64) - offset) / divisor).astype(np.float32)


def normalise_lead(lead, method):
    x = lead.astype(np.float64)
    n = x.size
    if n == 0:
        return lead.astype(np.float32)
    if method == 'minmax':
        return _affine(lead, x.min(), x.max() - x.min() + EPS)
    if method == 'zscore':
        std = x.std(ddof=1) if n > 1 else 0.0
        return _affine(lead, x.mean(), std + EPS)
    if method == 'rscale':
        s = np.sort(x)
        kth = lambda k: s[min(n, max(1, k)) - 1]
        return _affine(lead, s[(n - 1) >> 1], kth(math.floor(0.75 * n)) - kth(math.floor(0.25 * n)) + EPS)
    if method == 'logscale':
        return np.log1p(np.abs(x)).astype(np.float32)
    if method == 'l2':
        return _affine(lead, 0.0, math.sqrt(float((x * x).sum())) + EPS)
    raise ValueError(f'unknown normalisation {method}')


def after_crop(x, stages):
    """The stages after the crop: normalise (per lead) and standardise (fitted mean/std)."""
    for stage in stages:
        if stage['kind'] == 'normalise':
            x = np.stack([normalise_lead(lead, stage['method']) for lead in x])
        elif stage['kind'] == 'standardise':
            mean = np.asarray(stage['mean'], dtype=np.float64)[:, None]
            std = np.asarray(stage['std'], dtype=np.float64)[:, None]
            x = ((x.astype(np.float64) - mean) / (std + EPS)).astype(np.float32)
        else:
            raise ValueError(f"stage {stage['kind']} after the crop is not supported by the shard trainer")
    return x


def split_at_crop(pipeline):
    stages = pipeline['stages']
    at = next((i for i, s in enumerate(stages) if s['kind'] == 'crop'), len(stages))
    crop = stages[at]['length'] if at < len(stages) else None
    return crop, stages[at + 1:]


# ------------------------------------------------------------------ the paper's augmentation
def augment(x, params, rng):
    """k = randint(0, 6): 0/1 unchanged; flip, time drop, lead drop, sine sum, square-pulse sum."""
    k = int(rng.integers(0, 7))
    n = x.shape[1]
    if k == 2:
        return -x
    if k == 3:
        keep = rng.random(n) >= params['timeDropProbability']
        return x * keep[None, :]
    if k == 4:
        keep = rng.random(x.shape[0]) >= params['leadDropProbability']
        return x * keep[:, None]
    if k in (5, 6):
        amp = params['sineAmplitude' if k == 5 else 'squareAmplitude']
        freq = params['sineFrequency' if k == 5 else 'squareFrequency']
        a = amp[0] + (amp[1] - amp[0]) * rng.random()
        f = freq[0] + (freq[1] - freq[0]) * rng.random()
        phase = 2 * math.pi * f * np.arange(n)
        wave = a * np.sin(phase) if k == 5 else np.where(np.mod(phase, 2 * math.pi) < math.pi, a, -a)
        return (x.astype(np.float64) + wave[None, :]).astype(np.float32)
    return x


class Transform:
    """Pre-crop signal [leads, T] → model input [leads, crop] as the engine's pipeline runs it."""

    def __init__(self, pipeline):
        self.crop, self.stages = split_at_crop(pipeline)
        self.augmentation = pipeline.get('augmentation')

    def train(self, x, rng):
        length = self.crop or x.shape[1]
        out = after_crop(crop_at(x, crop_start(x.shape[1], length, rng), length), self.stages)
        return augment(out, self.augmentation, rng) if self.augmentation else out

    def centre(self, x):
        length = self.crop or x.shape[1]
        return after_crop(crop_at(x, crop_start(x.shape[1], length), length), self.stages)

    def windows(self, x, stride):
        length = self.crop or x.shape[1]
        return [after_crop(crop_at(x, s, length), self.stages) for s in window_starts(x.shape[1], length, stride)]
