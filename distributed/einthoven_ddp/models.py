"""PyTorch twins of the engine's model zoo (core/ml/models/registry.ts), module for module.

Each twin runs its weighted modules in the order the engine's builder creates its layers; that
order is how weights pair up between the two (engine_weights.py). Inputs are [B, 12, T]
(channels first, torch's convention); the engine's are [B, T, 12]. Where the engine flattens a
[B, T, C] map, the twin flattens time-major too, so dense kernels need only a transpose.
"""
import torch
import torch.nn as nn

from .layers import AvgPool1d, Conv1d, MaxPool1d, PositionalEncoding, TorchRnn, batch_norm, encoder_layer

# Design input per architecture (registry.ts): fs, default input length, shortest, longest.
ARCHITECTURES = {
    'resnet18': (500, 2048, 64, None),
    'crnn-gru': (500, 2048, 64, None),
    'crnn-lstm': (500, 2048, 64, None),
    'alexnet': (500, 2048, 256, None),
    'vgg11bn': (500, 2048, 224, None),
    'attresnet': (500, 2048, 64, None),
    'transformer': (500, 2048, 16, 5000),
    'restransformer': (500, 2048, 64, 2048 * 32),
    'xresnet1d50': (100, 250, 64, None),
    'xresnet1d101': (100, 250, 64, None),
}


class BasicBlock(nn.Module):
    """torchvision BasicBlock in 1-D (resnet.ts basicBlock)."""

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = Conv1d(cin, planes, 3, stride)
        self.bn1 = batch_norm(planes)
        self.conv2 = Conv1d(planes, planes, 3)
        self.bn2 = batch_norm(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(Conv1d(cin, planes, 1, stride), batch_norm(planes))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return torch.relu(out + identity)


class ResNet18Trunk(nn.Module):
    """Stem k7 s2 + maxpool, stages 64/128/256/512 × 2: [B, 12, T] → [B, 512, T/32]."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(Conv1d(12, 64, 7, 2), batch_norm(64), nn.ReLU(), MaxPool1d(3, 2, 'same'))
        blocks, cin = [], 64
        for stage, planes in enumerate([64, 128, 256, 512]):
            blocks += [BasicBlock(cin, planes, 1 if stage == 0 else 2), BasicBlock(planes, planes, 1)]
            cin = planes
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.stem(x))


def tokens_of(x):
    """[B, C, T] → [B, T, C]."""
    return x.permute(0, 2, 1)


class ResNet18(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.logits = nn.Linear(512, c)

    def forward(self, x):
        return self.logits(self.trunk(x).mean(-1))


class AlexNet(nn.Module):
    """alexnet.ts: explicit paddings as torch's AlexNet1D; the 4th conv is ReLU-then-BN."""

    def __init__(self, c, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.ConstantPad1d(2, 0.0), Conv1d(12, 64, 11, 4, bias=True, padding='valid'), batch_norm(64), nn.ReLU(), MaxPool1d(3, 2),
            Conv1d(64, 192, 5, bias=True), batch_norm(192), nn.ReLU(), MaxPool1d(3, 2),
            Conv1d(192, 384, 3, bias=True), batch_norm(384), nn.ReLU(),
            Conv1d(384, 256, 3, bias=True), nn.ReLU(), batch_norm(256),
            Conv1d(256, 256, 3, bias=True), batch_norm(256), nn.ReLU(), MaxPool1d(3, 2))
        self.pool = nn.AdaptiveAvgPool1d(6)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(6 * 256, 4096), nn.ReLU(), nn.Dropout(dropout),
                                  nn.Linear(4096, 4096), nn.ReLU())
        self.logits = nn.Linear(4096, c)

    def forward(self, x):
        return self.logits(self.head(tokens_of(self.pool(self.features(x))).flatten(1)))


class Vgg11Bn(nn.Module):
    """vgg.ts: paperExact pools (channels × time) to 7 × 7 = 49 features, as AdaptiveAvgPool2d on a 3-D tensor."""

    def __init__(self, c, paper_exact, dropout=0.5):
        super().__init__()
        layers, cin = [], 12
        for v in [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']:
            if v == 'M':
                layers.append(MaxPool1d(2, 2))
            else:
                layers += [Conv1d(cin, v, 3, bias=True), batch_norm(v), nn.ReLU()]
                cin = v
        self.features = nn.Sequential(*layers)
        self.paper_exact = paper_exact
        self.pool = nn.AdaptiveAvgPool2d(7) if paper_exact else nn.AdaptiveAvgPool1d(7)
        self.head = nn.Sequential(nn.Linear(49 if paper_exact else 7 * 512, 4096), nn.ReLU(), nn.Dropout(dropout),
                                  nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout))
        self.logits = nn.Linear(4096, c)

    def forward(self, x):
        pooled = self.pool(self.features(x))
        flat = pooled.flatten(1) if self.paper_exact else tokens_of(pooled).flatten(1)
        return self.logits(self.head(flat))


class Crnn(nn.Module):
    """crnn.ts: ResNet18 trunk → stacked TorchRnn layers (dropout between) → mean or last step → Linear."""

    def __init__(self, c, cell, hidden=256, layers=2, dropout=0.1, bidirectional=False, last_step_only=False):
        super().__init__()
        self.trunk = ResNet18Trunk()
        directions = 2 if bidirectional else 1
        self.rnn = nn.ModuleList(
            TorchRnn(cell, 512 if i == 0 else hidden * directions, hidden, not (i == layers - 1 and last_step_only), bidirectional)
            for i in range(layers))
        self.dropout = nn.Dropout(dropout)
        self.last_step_only = last_step_only
        self.logits = nn.Linear(hidden * directions, c)

    def forward(self, x):
        h = tokens_of(self.trunk(x))
        for i, layer in enumerate(self.rnn):
            h = layer(h)
            if i < len(self.rnn) - 1:
                h = self.dropout(h)
        return self.logits(h if self.last_step_only else h.mean(1))


class AttResNet(nn.Module):
    """attention-models.ts: trunk → one bare self-attention → mean over tokens → Linear."""

    def __init__(self, c, heads):
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.attention = nn.MultiheadAttention(512, heads, batch_first=True)
        self.logits = nn.Linear(512, c)

    def forward(self, x):
        tokens = tokens_of(self.trunk(x))
        attended, _ = self.attention(tokens, tokens, tokens, need_weights=False)
        return self.logits(attended.mean(1))


class Encoder(nn.Module):
    def __init__(self, d, layers, heads, dropout, max_length):
        super().__init__()
        self.positions = PositionalEncoding(d, max_length)
        self.layers = nn.ModuleList(encoder_layer(d, heads, dropout) for _ in range(layers))

    def forward(self, tokens):
        h = self.positions(tokens)
        for layer in self.layers:
            h = layer(h)
        return h


class Transformer(nn.Module):
    """Conv1d(12 → d, k3) embedding → positions (max 5000) → post-LN encoder → mean → Linear."""

    def __init__(self, c, d=512, layers=4, heads=4, dropout=0.1):
        super().__init__()
        self.embed = Conv1d(12, d, 3, bias=True)
        self.encoder = Encoder(d, layers, heads, dropout, 5000)
        self.logits = nn.Linear(d, c)

    def forward(self, x):
        return self.logits(self.encoder(tokens_of(self.embed(x))).mean(1))


class ResTransformer(nn.Module):
    def __init__(self, c, layers=2, heads=4, dropout=0.1):
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.encoder = Encoder(512, layers, heads, dropout, 2048)
        self.logits = nn.Linear(512, c)

    def forward(self, x):
        return self.logits(self.encoder(tokens_of(self.trunk(x))).mean(1))


def conv_layer(cin, cout, kernel, stride=1, act=True, zero_bn=False):
    """fastai ConvLayer (xresnet.ts convLayer): conv without bias → BN (γ = 0 when zero_bn) → ReLU."""
    layers = [Conv1d(cin, cout, kernel, stride), batch_norm(cout, zero_bn)]
    if act:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class XResBlock(nn.Module):
    def __init__(self, expansion, cin, width, stride, kernel):
        super().__init__()
        cout = width * expansion
        if expansion == 1:
            self.convs = nn.Sequential(conv_layer(cin, width, kernel, stride), conv_layer(width, cout, kernel, act=False, zero_bn=True))
        else:
            self.convs = nn.Sequential(conv_layer(cin, width, 1), conv_layer(width, width, kernel, stride),
                                       conv_layer(width, cout, 1, act=False, zero_bn=True))
        identity = []
        if stride != 1:
            identity.append(AvgPool1d(2, 2))
        if cin != cout:
            identity.append(conv_layer(cin, cout, 1, act=False))
        self.identity = nn.Sequential(*identity)

    def forward(self, x):
        return torch.relu(self.convs(x) + self.identity(x))


class XResNet1d(nn.Module):
    """xresnet.ts: stem 32/32/64 (k5) + MaxPool(3, 2), stages 64 wide (×4), concat-pool head."""

    def __init__(self, c, blocks, expansion=4, kernel=5):
        super().__init__()
        stem = [conv_layer(12, 32, kernel, 2), conv_layer(32, 32, kernel), conv_layer(32, 64, kernel), MaxPool1d(3, 2, 'same')]
        layers, cin = [], 64
        for stage, count in enumerate(blocks):
            for i in range(count):
                layers.append(XResBlock(expansion, cin, 64, 2 if i == 0 and stage > 0 else 1, kernel))
                cin = 64 * expansion
        self.body = nn.Sequential(*stem, *layers)
        features = 64 * expansion
        self.head = nn.Sequential(batch_norm(2 * features), nn.Dropout(0.25), nn.Linear(2 * features, 128), nn.ReLU(),
                                  batch_norm(128), nn.Dropout(0.5))
        self.logits = nn.Linear(128, c)

    def forward(self, x):
        h = self.body(x)
        return self.logits(self.head(torch.cat([h.amax(-1), h.mean(-1)], 1)))


def build(name, num_classes, paper_exact=False, rnn=None):
    """The twin of registry.ts buildModel(name, {numClasses, paperExact, rnn}); the engine's initialisation."""
    rnn = rnn or {}
    crnn = lambda cell: Crnn(num_classes, cell, rnn.get('hidden', 256), rnn.get('layers', 2), rnn.get('dropout', 0.1),
                             rnn.get('bidirectional', False), paper_exact)
    builders = {
        'resnet18': lambda: ResNet18(num_classes),
        'crnn-gru': lambda: crnn('gru'),
        'crnn-lstm': lambda: crnn('lstm'),
        'alexnet': lambda: AlexNet(num_classes),
        'vgg11bn': lambda: Vgg11Bn(num_classes, paper_exact),
        'attresnet': lambda: AttResNet(num_classes, 8 if paper_exact else 4),
        'transformer': lambda: Transformer(num_classes),
        'restransformer': lambda: ResTransformer(num_classes),
        'xresnet1d50': lambda: XResNet1d(num_classes, [3, 4, 6, 3]),
        'xresnet1d101': lambda: XResNet1d(num_classes, [3, 4, 23, 3]),
    }
    if name not in builders:
        raise ValueError(f"unknown architecture '{name}' (known: {', '.join(builders)})")
    model = builders[name]()
    init_like_engine(model, name.startswith('xresnet'))
    return model


def init_like_engine(model, fan_in):
    """The engine's initialisation (core/ml/models/init.ts, paper-spec §4): conv kaiming-normal
    (fan-out; xresnet fan-in), linear N(0, 0.01) (xresnet kaiming fan-in), attention xavier,
    RNN xavier/orthogonal with the LSTM forget bias 1 in both biases."""
    for m in model.modules():
        if isinstance(m, nn.Conv1d):
            nn.init.kaiming_normal_(m.weight, mode='fan_in' if fan_in else 'fan_out', nonlinearity='relu')
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear) and not isinstance(m, nn.modules.linear.NonDynamicallyQuantizableLinear):
            if fan_in:
                nn.init.kaiming_normal_(m.weight)
            else:
                nn.init.normal_(m.weight, 0, 0.01)
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
                        p.data[m.hidden_size:2 * m.hidden_size].fill_(1.0)
