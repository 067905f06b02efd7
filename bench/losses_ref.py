"""PyTorch CPU reference for bench/losses.ts (float32, N threads).

Usage: /usr/bin/python3 bench/losses_ref.py THREADS OUTDIR
Writes into OUTDIR a full-size torchvision VGG-19 (random init, seed 0, no download)
`features` state_dict as vgg19_full.safetensors, a fixed input/target pair
(NHWC float32, input.bin / target.bin) and PyTorch's pre-activation conv5_4 of the input
(conv5_4.bin, NHWC), then prints one JSON line of timings (ms, best of runs):
perceptual loss forward+backward (conv5_4, 1x3x256x256), combined CE+focal and
Lovász-Softmax forward+backward on 2x19x256x512 logits.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
outdir = sys.argv[2] if len(sys.argv) > 2 else '.bench-tmp'
os.makedirs(outdir, exist_ok=True)
torch.set_num_threads(threads)
torch.manual_seed(0)


def best_ms(fn, reps=3):
    fn()
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def write_safetensors(path, tensors):
    header, off = {}, 0
    for name, t in tensors.items():
        n = t.numel() * 4
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + n]}
        off += n
    h = json.dumps(header, separators=(',', ':'))
    h += ' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<Q', len(h)))
        fh.write(h.encode())
        for t in tensors.values():
            fh.write(t.detach().contiguous().numpy().astype('<f4').tobytes())


vgg = torchvision.models.vgg19()  # random init, nothing downloaded
features = vgg.features.eval()
for p in features.parameters():
    p.requires_grad_(False)
for m in features:
    if isinstance(m, torch.nn.ReLU):
        m.inplace = False
write_safetensors(os.path.join(outdir, 'vgg19_full.safetensors'), {f'features.{k}': v for k, v in features.state_dict().items()})

rng = np.random.default_rng(0)
x_np = rng.uniform(-1, 1, size=(1, 256, 256, 3)).astype(np.float32)
y_np = rng.uniform(-1, 1, size=(1, 256, 256, 3)).astype(np.float32)
x_np.tofile(os.path.join(outdir, 'input.bin'))
y_np.tofile(os.path.join(outdir, 'target.bin'))
to_t = lambda a: torch.tensor(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
conv5_4 = features[:35]  # up to and including conv5_4, before its ReLU


def feat(img):
    return conv5_4(((img + 1) / 2 - MEAN) / STD)


x = to_t(x_np)
y = to_t(y_np)
with torch.no_grad():
    ref = feat(x)
ref.permute(0, 2, 3, 1).contiguous().numpy().astype('<f4').tofile(os.path.join(outdir, 'conv5_4.bin'))


def perceptual():
    xi = x.clone().requires_grad_(True)
    with torch.no_grad():
        ft = feat(y)
    loss = (feat(xi) - ft).abs().mean()
    loss.backward()
    return xi.grad


out = {'perceptual_ms': best_ms(perceptual, 3)}

N, K, H, W = 2, 19, 256, 512
logits = torch.randn(N, K, H, W, generator=torch.Generator().manual_seed(1)) * 2
labels = torch.randint(0, K, (N, H, W), generator=torch.Generator().manual_seed(2))
labels[torch.rand(N, H, W, generator=torch.Generator().manual_seed(3)) < 0.1] = 255


def combined():
    z = logits.clone().requires_grad_(True)
    ce = F.cross_entropy(z, labels, ignore_index=255)
    logp = F.log_softmax(z, dim=1)
    mask = labels != 255
    safe = torch.where(mask, labels, torch.zeros_like(labels))
    logpt = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    fl = (-((1 - logpt.exp()) ** 2) * logpt * mask).sum() / mask.sum()
    (0.5 * ce + 0.5 * fl).backward()
    return z.grad


def lovasz_grad(gt_sorted):
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.float().cumsum(0)
    union = gts + (1 - gt_sorted).float().cumsum(0)
    jaccard = 1.0 - intersection / union
    jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def lovasz():  # the authors' lovasz_softmax (classes='present', per_image=False)
    z = logits.clone().requires_grad_(True)
    probas = F.softmax(z, dim=1).permute(0, 2, 3, 1).reshape(-1, K)
    lab = labels.view(-1)
    valid = lab != 255
    probas, lab = probas[valid], lab[valid]
    losses = []
    for c in range(K):
        fg = (lab == c).float()
        if fg.sum() == 0:
            continue
        errors = (fg - probas[:, c]).abs()
        errors_sorted, perm = torch.sort(errors, 0, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm])))
    loss = sum(losses) / len(losses)
    loss.backward()
    return z.grad


out['combined_ms'] = best_ms(combined, 5)
out['lovasz_ms'] = best_ms(lovasz, 5)
out['threads'] = threads
out['torch'] = torch.__version__
print(json.dumps(out))
