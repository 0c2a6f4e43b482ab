"""Einthoven's distributed engine side: PyTorch twins of the engine's model zoo, the engine's
training rules under DistributedDataParallel, and exact weight round trips with Einthoven
packages. Einthoven itself never runs Python; this package runs where the data is pretrained at
scale (torchrun, gloo on CPU, NCCL on GPU) and hands its result back through
`ecg model import-pytorch`.
"""

FORMAT = 'einthoven-pytorch'
FORMAT_VERSION = 1
