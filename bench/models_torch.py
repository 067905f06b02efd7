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
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
from torch_reference_nets import NLayerDiscriminator, UnetGenerator  # noqa: E402

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


def pix2pix_step():
    fake = G(a)
    opt_d.zero_grad()
    pf = D(torch.cat([a, fake.detach()], 1))
    pr = D(torch.cat([a, b], 1))
    loss_d = 0.5 * (F.mse_loss(pf, torch.zeros_like(pf)) + F.mse_loss(pr, torch.ones_like(pr)))
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    pf = D(torch.cat([a, fake], 1))
    loss_g = F.mse_loss(pf, torch.ones_like(pf)) + 100 * F.l1_loss(fake, b)
    loss_g.backward()
    opt_g.step()


class FpnSeg(nn.Module):
    """Panoptic FPN semantic branch on torchvision ResNet-50 (same layout as segaware's fpnSegmenter)."""

    def __init__(self, k=19):
        super().__init__()
        r = torchvision.models.resnet50()
        self.stem = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool)
        self.layers = nn.ModuleList([r.layer1, r.layer2, r.layer3, r.layer4])
        self.lat = nn.ModuleList([nn.Conv2d(c, 256, 1) for c in (256, 512, 1024, 2048)])
        self.out = nn.ModuleList([nn.Conv2d(256, 256, 3, padding=1) for _ in range(4)])
        self.heads = nn.ModuleList()
        for i in range(4):
            ops = []
            for _ in range(max(1, i)):
                ops += [nn.Conv2d(256 if not ops else 128, 128, 3, padding=1, bias=False), nn.GroupNorm(32, 128), nn.ReLU()]
                if i > 0:
                    ops.append(nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False))
            self.heads.append(nn.Sequential(*ops))
        self.pred = nn.Conv2d(128, k, 1)

    def forward(self, x):
        h = self.stem(x)
        cs = []
        for layer in self.layers:
            h = layer(h)
            cs.append(h)
        prev = self.lat[3](cs[3])
        ps = [None, None, None, self.out[3](prev)]
        for i in (2, 1, 0):
            prev = self.lat[i](cs[i]) + F.interpolate(prev, scale_factor=2, mode='nearest')
            ps[i] = self.out[i](prev)
        y = sum(self.heads[i](ps[i]) for i in range(4))
        return F.interpolate(self.pred(y), scale_factor=4, mode='bilinear', align_corners=False)


fpn = FpnSeg().eval()
xf = torch.rand(1, 3, 512, 1024)


def fpn_forward():
    with torch.no_grad():
        fpn(xf)


print(json.dumps({'pix2pix_step_ms': best_ms(pix2pix_step, 3), 'fpn_r50_forward_ms': best_ms(fpn_forward, 2)}))
