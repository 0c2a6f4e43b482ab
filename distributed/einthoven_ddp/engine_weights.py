"""Weights between a twin and the engine's order and layout (core/interop/engine-weights.ts).

Engine order: the weighted layers in the order the engine's builder creates them; keys are
`NNNN.<weight>` with tfjs layouts (conv kernels [k, in, out], dense kernels [in, out]). The twin
runs its weighted modules in that order, so a forward pass with hooks lists them; every shape is
checked before anything is copied.
"""
import json

import numpy as np
import torch
import torch.nn as nn

from . import safetensors_io
from .layers import TorchRnn

ENGINE_CLASSES = {
    nn.Conv1d: 'Conv1D',
    nn.BatchNorm1d: 'EinthovenBatchNorm',
    nn.Linear: 'Dense',
    TorchRnn: 'EinthovenTorchRnn',
    nn.MultiheadAttention: 'EinthovenMultiHeadAttention',
    nn.TransformerEncoderLayer: 'EinthovenTransformerEncoderLayer',
}


def engine_class(module):
    for cls, name in ENGINE_CLASSES.items():
        if isinstance(module, cls):
            return name
    return None


def engine_order(model, input_length):
    """Weighted engine-equivalent modules in forward order (each counted at its first call)."""
    leaves = []

    def visit(module):
        for child in module.children():
            if engine_class(child) is not None:
                leaves.append(child)
            else:
                visit(child)

    visit(model)
    order, hooks = [], []
    for leaf in leaves:
        hooks.append(leaf.register_forward_hook(lambda m, _i, _o: order.append(m) if all(m is not o for o in order) else None))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, 12, input_length))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    if len(order) != len(leaves):
        raise ValueError(f'{len(leaves) - len(order)} weighted modules never ran in the forward pass')
    return order


def _t(a):
    return np.ascontiguousarray(np.asarray(a).T)


def _mha_to_torch(w, prefix):
    return {f'{prefix}in_proj_weight': _t(w['in_kernel']), f'{prefix}in_proj_bias': w['in_bias'],
            f'{prefix}out_proj.weight': _t(w['out_kernel']), f'{prefix}out_proj.bias': w['out_bias']}


def to_torch(module, w):
    """Engine weights of one layer (dict short name → array) → the module's state_dict entries."""
    cls = engine_class(module)
    if cls == 'Conv1D':
        out = {'weight': np.ascontiguousarray(np.transpose(w['kernel'], (2, 1, 0)))}
        if 'bias' in w:
            out['bias'] = w['bias']
        return out
    if cls == 'EinthovenBatchNorm':
        return {'weight': w['gamma'], 'bias': w['beta'], 'running_mean': w['moving_mean'], 'running_var': w['moving_variance']}
    if cls == 'Dense':
        return {'weight': _t(w['kernel']), 'bias': w['bias']}
    if cls == 'EinthovenTorchRnn':
        out = {}
        for suffix in ('', '_reverse'):
            if f'kernel{suffix}' in w:
                out[f'rnn.weight_ih_l0{suffix}'] = _t(w[f'kernel{suffix}'])
                out[f'rnn.weight_hh_l0{suffix}'] = _t(w[f'recurrent_kernel{suffix}'])
                out[f'rnn.bias_ih_l0{suffix}'] = w[f'bias_ih{suffix}']
                out[f'rnn.bias_hh_l0{suffix}'] = w[f'bias_hh{suffix}']
        return out
    if cls == 'EinthovenMultiHeadAttention':
        return _mha_to_torch(w, '')
    if cls == 'EinthovenTransformerEncoderLayer':
        return {**_mha_to_torch(w, 'self_attn.'),
                'linear1.weight': _t(w['ff1_kernel']), 'linear1.bias': w['ff1_bias'],
                'linear2.weight': _t(w['ff2_kernel']), 'linear2.bias': w['ff2_bias'],
                'norm1.weight': w['ln1_gamma'], 'norm1.bias': w['ln1_beta'],
                'norm2.weight': w['ln2_gamma'], 'norm2.bias': w['ln2_beta']}
    raise ValueError(f'no engine layout for {type(module).__name__}')


def to_engine(module):
    """The inverse of to_torch: one module's engine weights, in the engine layer's weight order."""
    s = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in module.state_dict().items()}
    cls = engine_class(module)
    if cls == 'Conv1D':
        out = {'kernel': np.ascontiguousarray(np.transpose(s['weight'], (2, 1, 0)))}
        if 'bias' in s:
            out['bias'] = s['bias']
        return out
    if cls == 'EinthovenBatchNorm':
        return {'gamma': s['weight'], 'beta': s['bias'], 'moving_mean': s['running_mean'], 'moving_variance': s['running_var']}
    if cls == 'Dense':
        return {'kernel': _t(s['weight']), 'bias': s['bias']}
    if cls == 'EinthovenTorchRnn':
        out = {}
        for suffix in ('', '_reverse'):
            if f'rnn.weight_ih_l0{suffix}' in s:
                out[f'kernel{suffix}'] = _t(s[f'rnn.weight_ih_l0{suffix}'])
                out[f'recurrent_kernel{suffix}'] = _t(s[f'rnn.weight_hh_l0{suffix}'])
                out[f'bias_ih{suffix}'] = s[f'rnn.bias_ih_l0{suffix}']
                out[f'bias_hh{suffix}'] = s[f'rnn.bias_hh_l0{suffix}']
        return out
    mha = lambda p: {'in_kernel': _t(s[f'{p}in_proj_weight']), 'in_bias': s[f'{p}in_proj_bias'],
                     'out_kernel': _t(s[f'{p}out_proj.weight']), 'out_bias': s[f'{p}out_proj.bias']}
    if cls == 'EinthovenMultiHeadAttention':
        return mha('')
    if cls == 'EinthovenTransformerEncoderLayer':
        return {**mha('self_attn.'),
                'ff1_kernel': _t(s['linear1.weight']), 'ff1_bias': s['linear1.bias'],
                'ff2_kernel': _t(s['linear2.weight']), 'ff2_bias': s['linear2.bias'],
                'ln1_gamma': s['norm1.weight'], 'ln1_beta': s['norm1.bias'],
                'ln2_gamma': s['norm2.weight'], 'ln2_beta': s['norm2.bias']}
    raise ValueError(f'no engine layout for {type(module).__name__}')


def load_engine_weights(model, tensors, layers, input_length):
    """Copies engine-order tensors (dict key → array) into the twin. `layers`: the file's layer list
    [{index, className, weights}], checked against the twin's modules class by class, shape by shape."""
    modules = engine_order(model, input_length)
    if len(modules) != len(layers):
        raise ValueError(f'the file has {len(layers)} weighted layers, the twin has {len(modules)}')
    for spec, module in zip(layers, modules):
        if engine_class(module) != spec['className']:
            raise ValueError(f"layer {spec['index']}: the file has {spec['className']}, the twin {engine_class(module)}")
        w = {name: tensors[f"{spec['index']:04d}.{name}"] for name in spec['weights']}
        state = to_torch(module, w)
        own = module.state_dict()
        for key, value in state.items():
            if key not in own or tuple(own[key].shape) != tuple(value.shape):
                raise ValueError(f"layer {spec['index']} ({spec['className']}): {key} has shape {tuple(value.shape)}, "
                                 f"the twin needs {tuple(own[key].shape) if key in own else 'no such weight'}")
        module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in state.items()}, strict=False)


def engine_weights(model, input_length):
    """(ordered dict key → array, layer list) of the twin in engine order and layout."""
    tensors, layers = {}, []
    for index, module in enumerate(engine_order(model, input_length)):
        w = to_engine(module)
        layers.append({'index': index, 'className': engine_class(module), 'weights': list(w)})
        for name, value in w.items():
            tensors[f'{index:04d}.{name}'] = value
    return tensors, layers


def read(path):
    tensors, metadata = safetensors_io.load(path)
    if metadata.get('order') != 'einthoven-engine':
        raise ValueError(f'{path}: not an Einthoven engine-order weights file')
    return tensors, json.loads(metadata['layers'])


def write(path, model, input_length, extra_metadata=None):
    tensors, layers = engine_weights(model, input_length)
    safetensors_io.save(path, tensors, {'order': 'einthoven-engine', 'layers': json.dumps(layers), **(extra_metadata or {})})
