"""The exchange folder shared with the engine (core/interop/pytorch-dir.ts): einthoven.json,
weights.safetensors in engine order, and — from training — the validation logits and labels."""
import json
import os

import numpy as np

from . import FORMAT, FORMAT_VERSION, engine_weights
from .models import build

CONFIG = 'einthoven.json'
WEIGHTS = 'weights.safetensors'
VAL_LOGITS = 'val_logits.npy'
VAL_LABELS = 'val_labels.npy'


def read_config(directory):
    with open(os.path.join(directory, CONFIG), encoding='utf-8') as f:
        config = json.load(f)
    if config.get('format') != FORMAT or config.get('formatVersion') != FORMAT_VERSION:
        raise ValueError(f'{directory}: not an Einthoven PyTorch exchange folder (format {config.get("format")!r})')
    return config


def build_twin(config):
    arch = config['architecture']
    options = arch['buildOptions']
    return build(arch['name'], options['numClasses'], options.get('paperExact', False), options.get('rnn'))


def load_exported(directory):
    """(model in eval mode with the package's weights, config) from `ecg model export-pytorch`."""
    config = read_config(directory)
    model = build_twin(config)
    tensors, layers = engine_weights.read(os.path.join(directory, WEIGHTS))
    engine_weights.load_engine_weights(model, tensors, layers, config['architecture']['inputLength'])
    return model.eval(), config


def write_trained(directory, model, config, val_logits, val_labels):
    """The trainer's result, for `ecg model import-pytorch DIR OUT`."""
    os.makedirs(directory, exist_ok=True)
    engine_weights.write(os.path.join(directory, WEIGHTS), model, config['architecture']['inputLength'])
    np.save(os.path.join(directory, VAL_LOGITS), np.asarray(val_logits, dtype=np.float32))
    np.save(os.path.join(directory, VAL_LABELS), np.asarray(val_labels, dtype=np.float32))
    tmp = os.path.join(directory, CONFIG + '.tmp')
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump({**config, 'format': FORMAT, 'formatVersion': FORMAT_VERSION}, f, indent=2)
    os.replace(tmp, os.path.join(directory, CONFIG))
