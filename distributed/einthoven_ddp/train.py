"""DistributedDataParallel training with the engine's rules (core/train): focal or weighted BCE
loss, AdamW, the constant or one-cycle schedule, random crops + the paper's augmentation per
sample, validation every epoch on rank 0, selection and early stopping on validation only,
resumable checkpoints. The result goes back to Einthoven with `ecg model import-pytorch`, where
the engine fits temperature and thresholds on validation with its own code.

Launch: torchrun --nproc_per_node N -m einthoven_ddp train --shards S --arch A --out DIR
(gloo on CPU, NCCL when CUDA is present; multi-node through torchrun's own rendezvous flags).
"""
import json
import math
import os
import platform
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from . import exchange
from .engine_weights import engine_order
from .metrics import make_loss, validation_figures
from .models import ARCHITECTURES, build
from .pipeline import Transform
from .shards import ShardSplit, TrainingSamples, read_index

SELECTIONS = ('f1Macro', 'aucMacro', 'mapMacro', 'valLoss')


def add_arguments(p):
    """The engine's training defaults (core/train/config.ts) unless told."""
    p.add_argument('--shards', required=True, help='folder written by `ecg dataset export-shards`')
    p.add_argument('--arch', required=True, choices=sorted(ARCHITECTURES))
    p.add_argument('--out', required=True, help='exchange folder for `ecg model import-pytorch`')
    p.add_argument('--name', help='model name (default: the --out folder name)')
    p.add_argument('--init', help='start from a package exported with `ecg model export-pytorch` (fine-tuning at scale)')
    p.add_argument('--epochs', type=int, default=50)
    p.add_argument('--batch-size', type=int, default=64, help='global batch, split evenly across processes')
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--schedule', choices=('constant', 'onecycle'), default='constant')
    p.add_argument('--loss', choices=('focal', 'bce'), default='focal')
    p.add_argument('--pos-weight', type=lambda s: [float(v) for v in s.split(',')], help='bce: per-class positive weights')
    p.add_argument('--patience', type=int, default=10, help='epochs without improvement before stopping; 0 = never')
    p.add_argument('--selection', choices=SELECTIONS, default='f1Macro')
    p.add_argument('--seed', type=int, default=20)
    p.add_argument('--thresholds', choices=('f1', 'youden', 'fixed'), default='f1', help='fitted by the engine at import')
    p.add_argument('--no-calibrate', action='store_true')
    p.add_argument('--evaluation', choices=('centre', 'windows'), default='centre')
    p.add_argument('--stride', type=int, help='windows: stride in samples (default half a crop)')
    p.add_argument('--aggregate', choices=('mean', 'max'), default='mean')
    p.add_argument('--loader-workers', type=int, default=2, help='DataLoader workers per process')
    p.add_argument('--max-steps', type=int, default=0, help='optimizer steps per epoch at most (smoke runs); 0 = all')
    p.add_argument('--sync-bn', action='store_true', help='SyncBatchNorm across processes (default: per-process batch statistics, as DDP)')
    p.add_argument('--resume', action='store_true', help='continue from --out/checkpoint.pt')


def lr_factor(schedule, step, total):
    """core/train/step.ts learningRateFactor: fastai one-cycle (cosine warm-up from 1/25 over 25 %, then to 1/(25·10⁴))."""
    if schedule == 'constant' or total <= 1:
        return 1.0
    warm = max(1, round(total * 0.25))
    cosine = lambda a, b, t: b + (a - b) * (1 + math.cos(math.pi * min(1.0, t))) / 2
    if step < warm:
        return cosine(1 / 25, 1, step / warm)
    return cosine(1, 1 / 25 / 1e4, (step - warm) / max(1, total - warm))


class Run:
    """Rank, world size and device of this process (one process without torchrun)."""

    def __init__(self):
        self.distributed = 'RANK' in os.environ and 'WORLD_SIZE' in os.environ
        cuda = torch.cuda.is_available()
        self.backend = 'nccl' if cuda else 'gloo'
        if self.distributed:
            dist.init_process_group(self.backend)
        self.rank = dist.get_rank() if self.distributed else 0
        self.world = dist.get_world_size() if self.distributed else 1
        local = int(os.environ.get('LOCAL_RANK', 0))
        self.device = torch.device(f'cuda:{local}') if cuda else torch.device('cpu')
        if cuda:
            torch.cuda.set_device(self.device)

    def log(self, **event):
        if self.rank == 0:
            print(json.dumps(event), flush=True)

    def broadcast(self, value):
        if not self.distributed:
            return value
        box = [value]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def mean(self, value):
        if not self.distributed:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=self.device if self.backend == 'nccl' else 'cpu')
        dist.all_reduce(t)
        return float(t.item()) / self.world

    def barrier(self):
        if self.distributed:
            dist.barrier()

    def close(self):
        if self.distributed:
            dist.destroy_process_group()


def record_logits(model, split, transform, evaluation, device, batch=64):
    """Logits of every record: the centre crop, or windows aggregated by mean/max of the logits (predict.ts)."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(split), 1 if evaluation['mode'] == 'windows' else batch):
            if evaluation['mode'] == 'windows':
                x, _ = split.record(i)
                windows = torch.from_numpy(np.stack(transform.windows(x, evaluation['stride']))).to(device)
                logits = model(windows)
                out.append((logits.max(0).values if evaluation['aggregate'] == 'max' else logits.mean(0)).cpu().numpy()[None])
            else:
                xs = np.stack([transform.centre(split.record(j)[0]) for j in range(i, min(len(split), i + batch))])
                out.append(model(torch.from_numpy(xs).to(device)).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def initial_model(args, arch, classes, input_length):
    model = build(arch, len(classes))
    base = None
    if args.init:
        source, config = exchange.load_exported(args.init)
        if config['architecture']['name'] != arch:
            raise SystemExit(f"--init is a {config['architecture']['name']}, not {arch}")
        mine, theirs = engine_order(model, input_length), engine_order(source, input_length)
        same_head = config['classes'] == classes
        for a, b in zip(mine[:-1] if not same_head else mine, theirs):  # a new class list: a new output layer
            a.load_state_dict(b.state_dict())
        base = {'id': config.get('source', {}).get('id', config['name']), 'name': config['name'], 'mode': 'full'}
    return model, base


def save_checkpoint(path, state):
    tmp = f'{path}.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(args):
    run = Run()
    index = read_index(args.shards)
    classes, pipeline = index['classes'], index['pipeline']
    transform = Transform(pipeline)
    input_length = transform.crop or index['length']
    if args.batch_size % run.world:
        raise SystemExit(f'--batch-size {args.batch_size} does not split evenly over {run.world} processes')
    torch.manual_seed(args.seed)
    model, base = initial_model(args, args.arch, classes, input_length)
    if args.sync_bn and run.distributed:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(run.device)
    net = DistributedDataParallel(model, device_ids=[run.device.index] if run.device.type == 'cuda' else None) if run.distributed else model

    train_split = ShardSplit(args.shards, index, 'train')
    val_split = ShardSplit(args.shards, index, 'val')
    val_labels = val_split.labels()
    samples = TrainingSamples(train_split, transform, args.seed)
    sampler = DistributedSampler(samples, num_replicas=run.world, rank=run.rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(samples, batch_size=args.batch_size // run.world, sampler=sampler, drop_last=True,
                        num_workers=args.loader_workers, persistent_workers=args.loader_workers > 0)
    steps_per_epoch = min(len(loader), args.max_steps) if args.max_steps else len(loader)
    if steps_per_epoch == 0:
        raise SystemExit(f'{len(samples)} training records make no full batch of {args.batch_size}')
    total_steps = args.epochs * steps_per_epoch
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(0.9, 0.999), eps=1e-8)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(args.schedule, s, total_steps))
    loss_fn = make_loss(args.loss, args.pos_weight)
    evaluation = {'mode': args.evaluation, 'stride': args.stride or max(1, input_length // 2), 'aggregate': args.aggregate}

    os.makedirs(args.out, exist_ok=True)
    checkpoint_path = os.path.join(args.out, 'checkpoint.pt')
    state = {'epoch': 0, 'best_epoch': 0, 'best_score': -math.inf, 'best_state': None, 'history': []}
    if args.resume and os.path.exists(checkpoint_path):
        saved = torch.load(checkpoint_path, map_location='cpu')
        model.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        scheduler.load_state_dict(saved['scheduler'])
        state = saved['state']
        run.log(event='resumed', epoch=state['epoch'])

    stopped_early = False
    for epoch in range(state['epoch'] + 1, args.epochs + 1):
        started = time.perf_counter()
        sampler.set_epoch(epoch)
        samples.epoch = epoch
        net.train()
        loss_sum, steps = 0.0, 0
        for x, y in loader:
            if steps >= steps_per_epoch:
                break
            x, y = x.to(run.device, non_blocking=True), y.to(run.device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += float(loss.detach())
            steps += 1
        train_loss = run.mean(loss_sum / max(1, steps))
        figures = None
        if run.rank == 0:
            figures = validation_figures(val_labels, record_logits(model, val_split, transform, evaluation, run.device), loss_fn)
        figures = run.broadcast(figures)
        seconds = time.perf_counter() - started
        record = {'epoch': epoch, 'trainLoss': train_loss, **figures, 'seconds': seconds,
                  'samplesPerSecond': steps * args.batch_size / max(seconds, 1e-9)}
        score = -figures['valLoss'] if args.selection == 'valLoss' else figures[args.selection]
        score = score if math.isfinite(score) else -math.inf
        improved = state['best_epoch'] == 0 or score > state['best_score']
        state['history'].append({k: (v if isinstance(v, (int, float)) and math.isfinite(v) else None) for k, v in record.items()})
        state['epoch'] = epoch
        if improved:
            state.update(best_epoch=epoch, best_score=score,
                         best_state={k: v.detach().cpu().clone() for k, v in model.state_dict().items()})
        run.log(event='epoch', **record, best=state['best_epoch'])
        if run.rank == 0:
            save_checkpoint(checkpoint_path, {'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                                              'scheduler': scheduler.state_dict(), 'state': state})
        run.barrier()
        if args.patience > 0 and epoch - state['best_epoch'] >= args.patience:
            stopped_early = True
            break

    if run.rank == 0:
        model.load_state_dict(state['best_state'])
        model.to('cpu')
        write_result(args, index, model, transform, evaluation, val_split, val_labels, state, stopped_early, run, base)
    run.barrier()
    run.close()


def write_result(args, index, model, transform, evaluation, val_split, val_labels, state, stopped_early, run, base):
    logits = record_logits(model, val_split, transform, evaluation, torch.device('cpu'))
    history = state['history']
    config = {
        'name': args.name or os.path.basename(os.path.abspath(args.out)),
        'architecture': {'name': args.arch, 'buildOptions': {'numClasses': len(index['classes']), 'inputLength': transform.crop or index['length']},
                         'inputLength': transform.crop or index['length']},
        'classes': index['classes'],
        'preprocessing': index['pipeline'],
        'inference': {'mode': evaluation['mode'], 'aggregate': evaluation['aggregate'],
                      **({'stride': evaluation['stride']} if evaluation['mode'] == 'windows' else {})},
        'training': {
            'config': {'epochs': args.epochs, 'batchSize': args.batch_size, 'learningRate': args.lr, 'weightDecay': args.weight_decay,
                       'schedule': args.schedule, 'loss': args.loss, **({'posWeight': args.pos_weight} if args.pos_weight else {}),
                       'patience': args.patience, 'selection': args.selection, 'seed': args.seed, 'dropLast': True,
                       'thresholds': args.thresholds, 'calibrate': not args.no_calibrate, 'evaluation': evaluation},
            'dataset': index['dataset'],
            'epochs': {'run': len(history), 'best': state['best_epoch'], 'planned': args.epochs},
            'seed': args.seed,
            'backend': f'pytorch {torch.__version__} DDP, {run.backend}, {run.world} process(es), {platform.machine()}'
                       + (f', {torch.cuda.get_device_name(run.device)}' if run.device.type == 'cuda' else ''),
            'secondsPerEpoch': float(np.mean([h['seconds'] for h in history])) if history else 0.0,
            'selection': f"{args.selection} on validation{'; stopped early' if stopped_early else ''}"
                         + (f'; at most {args.max_steps} steps per epoch' if args.max_steps else ''),
            'history': history,
            **({'base': base} if base else {}),
        },
    }
    exchange.write_trained(args.out, model, config, logits, val_labels)
    run.log(event='done', out=args.out, bestEpoch=state['best_epoch'], validation=len(val_labels))
