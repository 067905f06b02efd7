"""PyTorch reference for bench/gpu.ts: the same cases, on CUDA when torch sees a
GPU, else on the CPU (and the answer says so).

usage: gpu_torch.py --spec JSON [--device auto|cuda|cpu]

The spec (cases, sizes, repetitions) comes from bench/gpu.ts so both sides run
exactly the same work. Prints one JSON line: {"device", "device_name", "torch",
"cudnn_benchmark", "cases": {name: ms}}; every time is the median of `reps`
runs after `warmup` runs, each ended by torch.cuda.synchronize() on CUDA.
Needs only torch (no torchvision): VGG-19's features are re-stated below.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
# the repo keeps the reference nets in scripts/; the GPU bundle puts them next to this file
sys.path[:0] = [HERE, os.path.join(HERE, '..', 'scripts')]
from torch_reference_nets import NLayerDiscriminator, UnetGenerator, pix2pix_step  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--spec', required=True)
ap.add_argument('--device', default='auto', choices=['auto', 'cuda', 'cpu'])
args = ap.parse_args()
spec = json.loads(args.spec)

note = None
if args.device == 'cpu':
    dev = torch.device('cpu')
    note = 'CPU requested'
elif torch.cuda.is_available():
    dev = torch.device('cuda')
else:
    if args.device == 'cuda':
        sys.exit('gpu_torch.py: --device cuda but torch.cuda.is_available() is False')
    dev = torch.device('cpu')
    note = 'torch.cuda.is_available() is False' if torch.version.cuda else f'torch {torch.__version__} is a CPU-only build'
cuda = dev.type == 'cuda'
if cuda:
    # the setting pix2pix training uses; PyTorch then picks its fastest conv algorithms per shape
    torch.backends.cudnn.benchmark = True
torch.manual_seed(0)
REPS, WARMUP = spec['reps'], spec['warmup']


def sync():
    if cuda:
        torch.cuda.synchronize()


def median_ms(fn, reps=REPS, warmup=WARMUP):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


out = {}
log = lambda name: print(f'  torch {dev.type}: {name}: {out[name]:.3f} ms', file=sys.stderr, flush=True)  # noqa: E731

for c in spec['conv']:
    n, h, w, cin, cout, k, s, p = (c[key] for key in ('n', 'h', 'w', 'cin', 'cout', 'k', 's', 'p'))
    layer = (nn.ConvTranspose2d if c['transposed'] else nn.Conv2d)(cin, cout, k, s, p, bias=False).to(dev)
    x = torch.randn(n, cin, h, w, device=dev, requires_grad=True)
    g = torch.randn_like(layer(x))

    def fwd():
        with torch.no_grad():
            layer(x)

    def fwd_bwd():
        x.grad = None
        layer.weight.grad = None
        layer(x).backward(g)

    f = median_ms(fwd)
    fb = median_ms(fwd_bwd)
    out[c['name'] + ' fwd'] = f
    log(c['name'] + ' fwd')
    out[c['name'] + ' bwd'] = max(fb - f, 0.0)
    log(c['name'] + ' bwd')

pp = spec['pix2pix']
for batch in pp['batches']:
    G = UnetGenerator(3, 3, pp['numDowns'], pp['ngf']).to(dev)
    D = NLayerDiscriminator(6, pp['ndf'], 3).to(dev)
    opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    a = torch.rand(batch, 3, pp['size'], pp['size'], device=dev) * 2 - 1
    b = torch.rand(batch, 3, pp['size'], pp['size'], device=dev) * 2 - 1

    def step():
        pix2pix_step(G, D, opt_g, opt_d, a, b)

    name = f"pix2pix step {batch}x{pp['size']}x{pp['size']} (U-Net {pp['numDowns']} downs ngf {pp['ngf']} + PatchGAN, Adam)"
    out[name] = median_ms(step, max(3, -(-REPS // 2)))
    log(name)
    del G, D, opt_g, opt_d

# VGG-19 features up to conv5_4 (before its ReLU), as torchvision's vgg19().features[:35]
layers, cin = [], 3
for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512]:
    if v == 'M':
        layers.append(nn.MaxPool2d(2, 2))
    else:
        layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU()]
        cin = v
vgg = nn.Sequential(*layers[:-1]).to(dev).eval()
for prm in vgg.parameters():
    prm.requires_grad_(False)
MEAN = torch.tensor([0.485, 0.456, 0.406], device=dev).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225], device=dev).view(1, 3, 1, 1)
ps = spec['perceptual']['size']
xp = torch.rand(1, 3, ps, ps, device=dev) * 2 - 1
yp = torch.rand(1, 3, ps, ps, device=dev) * 2 - 1


def perceptual():
    xi = xp.clone().requires_grad_(True)
    with torch.no_grad():
        ft = vgg(((yp + 1) / 2 - MEAN) / STD)
    loss = (vgg(((xi + 1) / 2 - MEAN) / STD) - ft).abs().mean()
    loss.backward()
    return xi.grad


name = f'perceptual loss conv5_4 fwd+bwd 1x{ps}x{ps}x3'
out[name] = median_ms(perceptual)
log(name)

sh, sw, sc = spec['ssim']['h'], spec['ssim']['w'], spec['ssim']['c']
xs = torch.rand(1, sc, sh, sw, device=dev)
ys = (xs + (torch.rand_like(xs) - 0.5) * 0.08).clamp(0, 1)
gk = torch.exp(-((torch.arange(11, dtype=torch.float32, device=dev) - 5) ** 2) / (2 * 1.5 ** 2))
gk = gk / gk.sum()
win = torch.outer(gk, gk).expand(sc, 1, 11, 11).contiguous()


def ssim():  # Gaussian 11x11, sigma 1.5, valid window, as bench/metrics_ref.py
    with torch.no_grad():
        f = lambda t: F.conv2d(t, win, groups=sc)  # noqa: E731
        mx, my = f(xs), f(ys)
        sxx = f(xs * xs) - mx * mx
        syy = f(ys * ys) - my * my
        sxy = f(xs * ys) - mx * my
        c1, c2 = 0.01 ** 2, 0.03 ** 2
        m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        return m.mean().item()  # .item() waits for the GPU, like segaware's await data()


name = f'SSIM {sh}x{sw}x{sc}'
out[name] = median_ms(ssim)
log(name)

print(json.dumps({
    'device': dev.type,
    'device_name': torch.cuda.get_device_name(0) if cuda else 'cpu',
    'torch': torch.__version__,
    'cudnn_benchmark': cuda,
    'threads': torch.get_num_threads(),
    'note': note,
    'cases': out,
}))
