"""Validation figures for model selection, as the engine's loop computes them (core/train/loop.ts):
macro F1 at 0.5 (zero division 0), macro ROC AUC and macro average precision over classes where
both labels occur. The engine recomputes every reported figure itself after import."""
import numpy as np
import torch
import torch.nn.functional as F


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def auc(y, s):
    """Mann–Whitney AUC with ties counted half; NaN without both labels."""
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    order = np.argsort(np.concatenate([pos, neg]), kind='mergesort')
    values = np.concatenate([pos, neg])[order]
    ranks = np.empty(len(values))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    rank_of = np.empty(len(values))
    rank_of[order] = ranks
    return float((rank_of[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def average_precision(y, s):
    if y.sum() == 0:
        return float('nan')
    order = np.argsort(-s, kind='mergesort')
    y_sorted = y[order]
    tp = np.cumsum(y_sorted)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * y_sorted).sum() / y.sum())


def f1(y, decision):
    tp = float((decision * y).sum())
    fp = float((decision * (1 - y)).sum())
    fn = float(((1 - decision) * y).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def nanmean(values):
    values = [v for v in values if not np.isnan(v)]
    return float(np.mean(values)) if values else float('nan')


def validation_figures(labels, logits, loss_fn):
    labels, logits = np.asarray(labels, np.float64), np.asarray(logits, np.float64)
    probs = sigmoid(logits)
    classes = range(labels.shape[1])
    with torch.no_grad():
        val_loss = float(loss_fn(torch.from_numpy(logits).float(), torch.from_numpy(labels).float()))
    return {
        'valLoss': val_loss,
        'f1Macro': float(np.mean([f1(labels[:, j], (probs[:, j] >= 0.5).astype(np.float64)) for j in classes])),
        'aucMacro': nanmean([auc(labels[:, j], probs[:, j]) for j in classes]),
        'mapMacro': nanmean([average_precision(labels[:, j], probs[:, j]) for j in classes]),
    }


def focal_loss(logits, targets, alpha=0.7, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss(reduction='mean'), the engine's and the paper's loss."""
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction='none')
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = loss * (alpha * targets + (1 - alpha) * (1 - targets))
    return loss.mean()


def make_loss(name, pos_weight=None):
    if name == 'focal':
        return focal_loss
    weight = torch.tensor(pos_weight, dtype=torch.float32) if pos_weight else None
    return lambda logits, targets: F.binary_cross_entropy_with_logits(logits, targets, pos_weight=weight)
