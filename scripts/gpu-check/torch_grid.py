"""The PyTorch side of the GPU check: the same networks, batches and input lengths as
`check.mjs time`, on the machine's own PyTorch (CUDA there; `--device cpu` stands in elsewhere).
Prints {"torch", "device", "results": [{"model", "batch", "length", "trainStepMs", ...}]}.
torch_models.py (scripts/bench) is copied beside this file by build.mjs."""
import argparse
import json
import sys
import time

import torch

import torch_models


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--models', default='resnet18,crnn-gru,xresnet1d50')
    parser.add_argument('--batches', default='32,64')
    parser.add_argument('--lengths', default='2048,5000')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--deadline', type=float, default=0, help='epoch seconds; no new configuration starts after it')
    args = parser.parse_args()
    if args.device == 'cuda' and not torch.cuda.is_available():
        print(json.dumps({'torch': torch.__version__, 'device': 'cuda', 'error': 'torch.cuda.is_available() is False', 'results': []}))
        return
    if args.device == 'cpu':
        torch.set_num_threads(max(1, torch.get_num_threads()))
    results = []
    for length in [int(v) for v in args.lengths.split(',')]:
        for name in args.models.split(','):
            for batch in [int(v) for v in args.batches.split(',')]:
                row = {'model': name, 'batch': batch, 'length': length}
                if args.deadline and time.time() > args.deadline:
                    results.append({**row, 'skipped': 'time budget spent'})
                    continue
                try:
                    r = torch_models.bench(name, batch, args.repeats, 1, args.device, length)
                    results.append({**row, 'trainStepMs': r['trainStepMs'], 'trainStepMinMs': r['trainStepMinMs'], 'forwardMs': r['forwardMs']})
                    print(f"torch {name} b{batch} 12x{length}: {r['trainStepMs']:.1f} ms per step", file=sys.stderr, flush=True)
                except Exception as error:  # noqa: BLE001 - one failing configuration (e.g. out of memory) must not end the check
                    results.append({**row, 'error': str(error).split('\n')[0]})
                    print(f'torch {name} b{batch} 12x{length}: {error}', file=sys.stderr, flush=True)
    name = torch.cuda.get_device_name(0) if args.device == 'cuda' else 'cpu'
    print(json.dumps({'torch': torch.__version__, 'device': args.device, 'deviceName': name, 'results': results}))


if __name__ == '__main__':
    main()
