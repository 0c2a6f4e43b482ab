"""python -m einthoven_ddp <command>: train (under torchrun), predict (a check of an exported
package), inputs (the model inputs the trainer makes from shards, to compare with the engine)."""
import argparse
import json
import sys

import numpy as np
import torch


def predict(args):
    """Each --dir with its --inputs/--out (and --write-weights): one process, torch imported once."""
    from . import engine_weights
    from .exchange import load_exported
    jobs = zip(args.dir, args.inputs, args.out, args.write_weights or [None] * len(args.dir))
    for directory, inputs_file, out_file, weights_file in jobs:
        model, config = load_exported(directory)
        x = np.load(inputs_file)  # [B, T, leads], the engine's layout
        with torch.no_grad():
            logits = model(torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1)))).numpy()
        np.save(out_file, logits.astype(np.float32))
        if weights_file:  # the twin's weights back in engine order: the path a trained model takes home
            engine_weights.write(weights_file, model, config['architecture']['inputLength'])


def inputs(args):
    """Each --shards with its --out: one process, torch imported once (2 s of CPU a start)."""
    from .pipeline import Transform
    from .shards import ShardSplit, read_index
    for shards, out in zip(args.shards, args.out):
        index = read_index(shards)
        split = ShardSplit(shards, index, args.split)
        transform = Transform(index['pipeline'])
        rows = [transform.centre(split.record(i)[0]) for i in range(len(split))]
        np.save(out, np.stack(rows).transpose(0, 2, 1).astype(np.float32))  # [n, crop, leads]


def synthetic(args):
    from . import synthetic as synth
    index = synth.write(args.out, args.records, seed=args.seed)
    print(json.dumps({'out': args.out, 'records': index['dataset']['records']}))


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m einthoven_ddp')
    commands = parser.add_subparsers(dest='command', required=True)
    from .train import add_arguments, train
    add_arguments(commands.add_parser('train', help='DDP training on shards (launch with torchrun)'))
    p = commands.add_parser('predict', help='logits of an exported package on inputs [B, T, leads] (.npy)')
    p.add_argument('--dir', required=True, action='append', help='exported folder (repeatable, paired with --inputs/--out)')
    p.add_argument('--inputs', required=True, action='append')
    p.add_argument('--out', required=True, action='append')
    p.add_argument('--write-weights', action='append', help="also write the twin's weights back as an engine-order safetensors file")
    p = commands.add_parser('inputs', help="centre-crop model inputs [n, crop, leads] of a shard split, as the trainer makes them")
    p.add_argument('--shards', required=True, action='append', help='shards folder (repeatable, paired with --out)')
    p.add_argument('--split', choices=('train', 'val'), default='val')
    p.add_argument('--out', required=True, action='append')
    p = commands.add_parser('synthetic', help='synthetic full-size shards (12 × 5000 at 500 Hz) for timing runs')
    p.add_argument('--out', required=True)
    p.add_argument('--records', type=int, default=21837, help='PTB-XL has 21,837')
    p.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == 'predict' and not (len(args.dir) == len(args.inputs) == len(args.out) and len(args.write_weights or args.dir) == len(args.dir)):
        parser.error('predict: give --dir, --inputs, --out (and --write-weights) the same number of times')
    if args.command == 'inputs' and len(args.shards) != len(args.out):
        parser.error('inputs: give --shards and --out the same number of times')
    {'train': train, 'predict': predict, 'inputs': inputs, 'synthetic': synthetic}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
