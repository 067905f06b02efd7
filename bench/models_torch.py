"""PyTorch CPU reference timings for bench/models.ts (float32, N threads, default 2).

Prints one JSON line: {"pix2pix_step_ms", "fpn_r50_forward_ms"}.
- pix2pix step: U-Net 256 (ngf 64, batch norm, dropout) + 70×70 PatchGAN (6 ch),
  batch 1, 256×256, Adam(2e-4, 0.5, 0.999), D: LSGAN, G: LSGAN + 100·L1.
- FPN-ResNet-50 forward at 512×1024, 19 classes, eval mode, no grad.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from torch_reference_nets import NLayerDiscriminator, PanopticFpnSemSeg, UnetGenerator, pix2pix_step  # noqa: E402

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def best_ms(fn, reps):
    fn()
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


G = UnetGenerator(3, 3, 8, 64)
D = NLayerDiscriminator(6, 64, 3)
opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
a = torch.rand(1, 3, 256, 256) * 2 - 1
b = torch.rand(1, 3, 256, 256) * 2 - 1


def step():
    pix2pix_step(G, D, opt_g, opt_d, a, b)


fpn = PanopticFpnSemSeg(depth=50, num_classes=19).eval()
xf = torch.rand(1, 3, 512, 1024)


def fpn_forward():
    with torch.no_grad():
        fpn(xf)


print(json.dumps({'pix2pix_step_ms': best_ms(step, 3), 'fpn_r50_forward_ms': best_ms(fpn_forward, 2)}))
