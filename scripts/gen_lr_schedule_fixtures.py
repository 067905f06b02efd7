"""Reference learning rates from PyTorch's schedulers (torch 1.13) and the pix2pix
`lambda_rule`, written to test/fixtures/lr_schedules.json.

Run with the Debian python: /usr/bin/python3 scripts/gen_lr_schedule_fixtures.py
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'lr_schedules.json')


def run(make, base_lr, steps):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    return lrs


def pix2pix_linear(n_epochs, n_epochs_decay, epoch_count):
    # networks.get_scheduler(opt) with lr_policy == 'linear' (pytorch-CycleGAN-and-pix2pix)
    def lambda_rule(epoch):
        return 1.0 - max(0, epoch + epoch_count - n_epochs) / float(n_epochs_decay + 1)
    return lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda_rule)


cases = [
    {'name': 'linear', 'baseLr': 2e-4, 'options': {'nConstant': 10, 'nDecay': 10, 'epochCount': 1},
     'lrs': run(pix2pix_linear(10, 10, 1), 2e-4, 21)},
    {'name': 'linear', 'baseLr': 1e-3, 'options': {'nConstant': 5, 'nDecay': 7, 'epochCount': 3},
     'lrs': run(pix2pix_linear(5, 7, 3), 1e-3, 9)},
    {'name': 'step', 'baseLr': 0.1, 'options': {'stepSize': 4, 'gamma': 0.5},
     'lrs': run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5), 0.1, 20)},
    {'name': 'cosine', 'baseLr': 0.01, 'options': {'tMax': 16, 'etaMin': 1e-4},
     'lrs': run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=16, eta_min=1e-4), 0.01, 17)},
    {'name': 'poly', 'baseLr': 0.01, 'options': {'totalSteps': 12, 'power': 0.9},
     'lrs': run(lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=12, power=0.9), 0.01, 16)},
]

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=1)
print(json.dumps({'written': OUT, 'cases': len(cases)}))
