"""Layers that compute exactly what the engine's tfjs layers compute (core/ml/models/layers and
tfjs-layers), so a model trained here predicts the same in Einthoven.

The one place torch and the engine differ by default is 'same' padding with a stride: tfjs pads
asymmetrically (TensorFlow's rule, the extra sample after), torch's symmetric `padding=k//2`
shifts every window by one sample. Convolutions and poolings here pad the TensorFlow way.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_padding(length, kernel, stride):
    """TensorFlow's 'same': output ceil(L / s), total padding split with the extra sample after."""
    out = -(-length // stride)
    total = max((out - 1) * stride + kernel - length, 0)
    return total // 2, total - total // 2


class Conv1d(nn.Conv1d):
    """tf.layers.conv1d: padding 'same' (TensorFlow's rule) or 'valid'; [B, C, T] in and out."""

    def __init__(self, cin, cout, kernel, stride=1, bias=False, padding='same'):
        super().__init__(cin, cout, kernel, stride, padding=0, bias=bias)
        self.same = padding == 'same'

    def forward(self, x):
        if self.same:
            x = F.pad(x, same_padding(x.shape[-1], self.kernel_size[0], self.stride[0]))
        return super().forward(x)


class MaxPool1d(nn.Module):
    """tf.layers.maxPooling1d; 'same' pads with -inf so padding never wins."""

    def __init__(self, kernel, stride, padding='valid'):
        super().__init__()
        self.kernel, self.stride, self.same = kernel, stride, padding == 'same'

    def forward(self, x):
        if self.same:
            x = F.pad(x, same_padding(x.shape[-1], self.kernel, self.stride), value=-math.inf)
        return F.max_pool1d(x, self.kernel, self.stride)


class AvgPool1d(nn.Module):
    """tf.layers.averagePooling1d 'same': the mean over the samples inside the signal only."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x):
        pad = same_padding(x.shape[-1], self.kernel, self.stride)
        sums = F.avg_pool1d(F.pad(x, pad), self.kernel, self.stride) * self.kernel
        ones = F.pad(torch.ones_like(x[:1, :1]), pad)
        counts = F.avg_pool1d(ones, self.kernel, self.stride) * self.kernel
        return sums / counts


def batch_norm(channels, gamma_zero=False):
    """The engine's BatchNorm is torch's BatchNorm1d (eps 1e-5, momentum 0.1, unbiased running var)."""
    bn = nn.BatchNorm1d(channels)
    nn.init.constant_(bn.weight, 0.0 if gamma_zero else 1.0)
    return bn


class TorchRnn(nn.Module):
    """One layer of the engine's TorchRnn: torch GRU/LSTM (batch_first, zero initial state), all
    steps or only the last position (out[:, -1]); bidirectional outputs are [forward ‖ backward]."""

    def __init__(self, cell, features, units, return_sequences, bidirectional=False):
        super().__init__()
        rnn = nn.GRU if cell == 'gru' else nn.LSTM
        self.cell = cell
        self.rnn = rnn(features, units, 1, batch_first=True, bidirectional=bidirectional)
        self.return_sequences = return_sequences

    def forward(self, x):
        out, _ = self.rnn(x)
        return out if self.return_sequences else out[:, -1]


def sinusoid_table(steps, d):
    """The engine's sinusoidTable: sin on even, cos on odd features, base 10000."""
    position = torch.arange(steps, dtype=torch.float64).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
    table = torch.zeros(steps, d, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * div)
    table[:, 1::2] = torch.cos(position * div)[:, : d // 2]
    return table.float()


class PositionalEncoding(nn.Module):
    def __init__(self, d, max_length):
        super().__init__()
        self.max_length = max_length
        self.register_buffer('table', sinusoid_table(max_length, d), persistent=False)

    def forward(self, tokens):
        if tokens.shape[1] > self.max_length:
            raise ValueError(f'{tokens.shape[1]} positions exceed the model maximum of {self.max_length}')
        return tokens + self.table[: tokens.shape[1]]


def encoder_layer(d, heads, dropout):
    """Post-LN encoder layer, ReLU feed-forward of 4d, LayerNorm eps 1e-5 (the engine's TransformerEncoderLayer)."""
    return nn.TransformerEncoderLayer(d, heads, 4 * d, dropout, batch_first=True)
