#!/usr/bin/python3
"""PyTorch twins of the engine's model zoo (core/ml/models), for benchmarking and fixtures only.

The paper architectures follow the paper code as described in ../shared/docs/paper-spec.md §4
(AlexNet, VGGnet, ResNet_1D, RNN, AttResNet, Transformers); xresnet1d follows Strodthoff et al.'s
ecg_ptbxl_benchmarking `xresnet1d.py` with the concat-pool head of paper-spec §12.
`paper_exact` switches on the paper code's quirks exactly as the engine's `paperExact` option does.

Bench: /usr/bin/python3 scripts/bench/torch_models.py --models resnet18,alexnet --batch 32 --repeats 3
prints one JSON object {name: {"forwardMs", "trainStepMs", "params", "batch", "inputLength"}} on stdout.
Python is never used by the product; scripts/bench/models.ts runs this side by side with tfjs.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAPER_INPUT = 2048
XRESNET_INPUT = 250


def init_weights(module):
    """utils.init_weights of the paper code (paper-spec §4 Init)."""
    for m in module.modules():
        if isinstance(m, nn.Conv1d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm1d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.MultiheadAttention):
            nn.init.xavier_uniform_(m.in_proj_weight)
            nn.init.zeros_(m.in_proj_bias)
            nn.init.xavier_uniform_(m.out_proj.weight)
            nn.init.zeros_(m.out_proj.bias)
        elif isinstance(m, (nn.GRU, nn.LSTM)):
            for name, p in m.named_parameters():
                if 'weight_ih' in name:
                    nn.init.xavier_uniform_(p)
                elif 'weight_hh' in name:
                    nn.init.orthogonal_(p)
                elif 'bias' in name:
                    nn.init.zeros_(p)
                    if isinstance(m, nn.LSTM):
                        n = p.size(0)
                        p.data[n // 4:n // 2].fill_(1.0)


# ---------------------------------------------------------------- ResNet18-1D (torchvision port)
class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv1d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm1d(planes)
        self.conv2 = nn.Conv1d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm1d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv1d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm1d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.relu(out + identity)


def resnet18_trunk():
    layers = [nn.Conv1d(12, 64, 7, 2, 3, bias=False), nn.BatchNorm1d(64), nn.ReLU(inplace=True), nn.MaxPool1d(3, 2, 1)]
    inplanes = 64
    for i, planes in enumerate([64, 128, 256, 512]):
        stride = 1 if i == 0 else 2
        layers += [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes)]
        inplanes = planes
    return nn.Sequential(*layers)  # [B, 512, 64]


class ResNet18(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.trunk = resnet18_trunk()
        self.fc = nn.Linear(512, c)

    def forward(self, x):
        return self.fc(self.trunk(x).mean(-1))


# ---------------------------------------------------------------- AlexNet1D, VGG11_bn
class AlexNet(nn.Module):
    def __init__(self, c, p=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(12, 64, 11, 4, 2), nn.BatchNorm1d(64), nn.ReLU(inplace=True), nn.MaxPool1d(3, 2),
            nn.Conv1d(64, 192, 5, padding=2), nn.BatchNorm1d(192), nn.ReLU(inplace=True), nn.MaxPool1d(3, 2),
            nn.Conv1d(192, 384, 3, padding=1), nn.BatchNorm1d(384), nn.ReLU(inplace=True),
            nn.Conv1d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.BatchNorm1d(256),
            nn.Conv1d(256, 256, 3, padding=1), nn.BatchNorm1d(256), nn.ReLU(inplace=True), nn.MaxPool1d(3, 2))
        self.pool = nn.AdaptiveAvgPool1d(6)
        self.head = nn.Sequential(nn.Dropout(p), nn.Linear(1536, 4096), nn.ReLU(inplace=True), nn.Dropout(p),
                                  nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, c))

    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


class Vgg11Bn(nn.Module):
    def __init__(self, c, paper_exact, p=0.5):
        super().__init__()
        layers, cin = [], 12
        for v in [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool1d(2, 2))
            else:
                layers += [nn.Conv1d(cin, v, 3, padding=1), nn.BatchNorm1d(v), nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        # The quirk: AdaptiveAvgPool2d(7) on a 3-D tensor pools (channels × time) to 7 × 7 = 49 features.
        self.pool = nn.AdaptiveAvgPool2d(7) if paper_exact else nn.AdaptiveAvgPool1d(7)
        features = 49 if paper_exact else 512 * 7
        self.head = nn.Sequential(nn.Linear(features, 4096), nn.ReLU(inplace=True), nn.Dropout(p),
                                  nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(p), nn.Linear(4096, c))

    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


# ---------------------------------------------------------------- hybrids on the ResNet18 trunk
class Crnn(nn.Module):
    def __init__(self, c, cell, last_step_only, hidden=256, layers=2, dropout=0.1):
        super().__init__()
        self.trunk = resnet18_trunk()
        rnn = nn.GRU if cell == 'gru' else nn.LSTM
        self.rnn = rnn(512, hidden, layers, batch_first=True, dropout=dropout)
        self.last_step_only = last_step_only
        self.fc = nn.Linear(hidden, c)

    def forward(self, x):
        out, _ = self.rnn(self.trunk(x).permute(0, 2, 1))
        return self.fc(out[:, -1] if self.last_step_only else out.mean(1))


class AttResNet(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.trunk = resnet18_trunk()
        self.attention = nn.MultiheadAttention(512, heads, batch_first=True)
        self.fc = nn.Linear(512, c)

    def forward(self, x):
        tokens = self.trunk(x).permute(0, 2, 1)
        attended, _ = self.attention(tokens, tokens, tokens, need_weights=False)
        return self.fc(attended.mean(1))


def sinusoid_table(max_len, d):
    position = torch.arange(max_len).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(max_len, d)
    pe[:, 0::2] = torch.sin(position * div)
    pe[:, 1::2] = torch.cos(position * div)
    return pe


class Encoder(nn.Module):
    """Sinusoidal positions + post-LN nn.TransformerEncoder (ReLU, ff = 4d)."""

    def __init__(self, d, layers, heads, dropout, max_len):
        super().__init__()
        self.register_buffer('pe', sinusoid_table(max_len, d), persistent=False)
        layer = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, tokens):
        return self.encoder(tokens + self.pe[:tokens.size(1)])


class Transformer(nn.Module):
    def __init__(self, c, d=512, layers=4, heads=4, dropout=0.1):
        super().__init__()
        self.embed = nn.Conv1d(12, d, 3, 1, 1)
        self.encoder = Encoder(d, layers, heads, dropout, 5000)
        self.fc = nn.Linear(d, c)

    def forward(self, x):
        return self.fc(self.encoder(self.embed(x).permute(0, 2, 1)).mean(1))


class ResTransformer(nn.Module):
    def __init__(self, c, layers=2, heads=4, dropout=0.1):
        super().__init__()
        self.trunk = resnet18_trunk()
        self.encoder = Encoder(512, layers, heads, dropout, 2048)
        self.fc = nn.Linear(512, c)

    def forward(self, x):
        return self.fc(self.encoder(self.trunk(x).permute(0, 2, 1)).mean(1))


# ---------------------------------------------------------------- xresnet1d (Strodthoff et al.)
def conv_layer(cin, cout, k, stride=1, act=True, zero_bn=False):
    bn = nn.BatchNorm1d(cout)
    nn.init.constant_(bn.weight, 0.0 if zero_bn else 1.0)
    layers = [nn.Conv1d(cin, cout, k, stride, (k - 1) // 2, bias=False), bn]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class XResBlock(nn.Module):
    def __init__(self, expansion, ni, nf, stride, k):
        super().__init__()
        nh, nf, ni = nf, nf * expansion, ni * expansion
        if expansion == 1:
            self.convs = nn.Sequential(conv_layer(ni, nh, k, stride), conv_layer(nh, nf, k, act=False, zero_bn=True))
        else:
            self.convs = nn.Sequential(conv_layer(ni, nh, 1), conv_layer(nh, nh, k, stride),
                                       conv_layer(nh, nf, 1, act=False, zero_bn=True))
        idpath = []
        if stride != 1:
            idpath.append(nn.AvgPool1d(2, ceil_mode=True))
        if ni != nf:
            idpath.append(conv_layer(ni, nf, 1, act=False))
        self.idpath = nn.Sequential(*idpath)

    def forward(self, x):
        return F.relu(self.convs(x) + self.idpath(x))


class XResNet1d(nn.Module):
    def __init__(self, c, blocks, expansion=4, k=5):
        super().__init__()
        stem = [conv_layer(12, 32, k, 2), conv_layer(32, 32, k), conv_layer(32, 64, k), nn.MaxPool1d(3, 2, 1)]
        sizes = [64 // expansion, 64, 64, 64, 64]
        layers = []
        for i, n in enumerate(blocks):
            for j in range(n):
                layers.append(XResBlock(expansion, sizes[i] if j == 0 else sizes[i + 1], sizes[i + 1],
                                        (1 if i == 0 else 2) if j == 0 else 1, k))
        self.body = nn.Sequential(*stem, *layers)
        nf = sizes[-1] * expansion
        self.head = nn.Sequential(nn.BatchNorm1d(2 * nf), nn.Dropout(0.25), nn.Linear(2 * nf, 128), nn.ReLU(inplace=True),
                                  nn.BatchNorm1d(128), nn.Dropout(0.5), nn.Linear(128, c))
        for m in self.modules():  # init_cnn: kaiming_normal (fan_in) for conv and linear, zero biases
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.body(x)
        return self.head(torch.cat([h.amax(-1), h.mean(-1)], 1))


def build(name, c=5, paper_exact=False):
    """The twin of core/ml/models/registry.ts buildModel(name, {numClasses: c, paperExact})."""
    builders = {
        'resnet18': lambda: ResNet18(c),
        'crnn-gru': lambda: Crnn(c, 'gru', paper_exact),
        'crnn-lstm': lambda: Crnn(c, 'lstm', paper_exact),
        'alexnet': lambda: AlexNet(c),
        'vgg11bn': lambda: Vgg11Bn(c, paper_exact),
        'attresnet': lambda: AttResNet(c, 8 if paper_exact else 4),
        'transformer': lambda: Transformer(c),
        'restransformer': lambda: ResTransformer(c),
        'xresnet1d50': lambda: XResNet1d(c, [3, 4, 6, 3]),
        'xresnet1d101': lambda: XResNet1d(c, [3, 4, 23, 3]),
    }
    model = builders[name]()
    if not name.startswith('xresnet'):
        init_weights(model)
    return model


def input_length(name):
    return XRESNET_INPUT if name.startswith('xresnet') else PAPER_INPUT


def trainable_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def focal_loss(logits, targets, alpha=0.7, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss(reduction='mean'), the paper's loss."""
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction='none')
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (alpha_t * ce * (1 - p_t) ** gamma).mean()


def timings_ms(fn, repeats, warmup):
    """(median, min) in ms after warm-up; the minimum is the least disturbed by other jobs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2], times[0]


def bench(name, batch, repeats, warmup, device='cpu', length=None):
    """`device` 'cuda' times on the GPU (synchronised after each call); `length` overrides the design input."""
    torch.manual_seed(20)
    length = length or input_length(name)
    model = build(name).to(device)
    x = torch.randn(batch, 12, length, device=device)
    y = (torch.rand(batch, 5, device=device) > 0.5).float()
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    sync = torch.cuda.synchronize if device.startswith('cuda') else (lambda: None)

    def forward():
        model.eval()
        with torch.no_grad():
            model(x)
        sync()

    def train_step():
        model.train()
        optimiser.zero_grad()
        focal_loss(model(x), y).backward()
        optimiser.step()
        sync()

    forward_ms, forward_min = timings_ms(forward, repeats, warmup)
    train_ms, train_min = timings_ms(train_step, repeats, warmup)
    return {
        'forwardMs': forward_ms,
        'trainStepMs': train_ms,
        'forwardMinMs': forward_min,
        'trainStepMinMs': train_min,
        'params': trainable_params(model),
        'batch': batch,
        'inputLength': length,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', required=True)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--batches', default='', help='per-model batch overrides, name=batch,...')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', help="'cuda' for the GPU check (scripts/gpu-check)")
    parser.add_argument('--length', type=int, default=0, help='input samples per lead (default: each model\'s design input)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    overrides = dict((kv.split('=')[0], int(kv.split('=')[1])) for kv in args.batches.split(',') if kv)
    out = {}
    for name in args.models.split(','):
        out[name] = bench(name, overrides.get(name, args.batch), args.repeats, args.warmup, args.device, args.length or None)
        print(f'torch {name}: {json.dumps(out[name])}', file=sys.stderr, flush=True)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': args.device, 'models': out}))


if __name__ == '__main__':
    main()
