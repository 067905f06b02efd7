#!/usr/bin/python3
"""Generates the PyTorch reference fixtures of the loss tests.

Run with Debian's python (torch 1.13, torchvision):  /usr/bin/python3 scripts/gen_loss_fixtures.py
Writes test/fixtures/losses.json (pixel, GAN, WGAN-GP, TV, CE, focal, combined, Dice,
Lovász, KL), test/fixtures/losses_vgg.json (VGG-19 features, Gram, perceptual, style) and a
reduced-width VGG-19 twin in both weight formats: test/fixtures/vgg19_tiny.safetensors
(torchvision state_dict) and test/fixtures/vgg19_tiny_keras/ (TF.js layers format).
All tensors in the JSON are NHWC (segaware's layout), flattened row-major.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models.vgg import VGG, make_layers

torch.manual_seed(0)
rng = np.random.default_rng(1234)
HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, '..', 'test', 'fixtures')
os.makedirs(FIX, exist_ok=True)


def flat(t):
    arr = np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype=np.float64).ravel()
    return [float('%.9g' % v) for v in arr]  # float32 precision, shorter JSON


def nhwc_to_nchw(a):
    return torch.tensor(np.ascontiguousarray(np.moveaxis(a, -1, 1)), dtype=torch.float32)


def grad_nhwc(g):
    return flat(g.permute(0, 2, 3, 1)) if g.dim() == 4 else flat(g)


def leaf(a, nchw=True):
    t = nhwc_to_nchw(a) if nchw else torch.tensor(a, dtype=torch.float32)
    return t.requires_grad_(True)


def value_and_grad(fn, a, nchw=True):
    x = leaf(a, nchw)
    v = fn(x)
    if v.dim() == 0:
        v.backward()
        g = grad_nhwc(x.grad) if nchw else flat(x.grad)
    else:
        g = None
    return flat(v), g


out = {}

# ---------------- pixel losses ----------------
pred = rng.standard_normal((2, 4, 5, 3)).astype(np.float32)
targ = rng.standard_normal((2, 4, 5, 3)).astype(np.float32)
pixel = {'prediction': flat(pred), 'target': flat(targ), 'shape': list(pred.shape)}
tt = nhwc_to_nchw(targ)
for name, fn in {
    'l1': lambda x: F.l1_loss(x, tt),
    'l2': lambda x: F.mse_loss(x, tt),
    'charbonnier': lambda x: torch.sqrt((x - tt) ** 2 + 1e-6).mean(),
    'l1_sum': lambda x: F.l1_loss(x, tt, reduction='sum'),
    'l2_sum': lambda x: F.mse_loss(x, tt, reduction='sum'),
}.items():
    v, g = value_and_grad(fn, pred)
    pixel[name] = {'value': v[0], 'grad': g}
out['pixel'] = pixel

# ---------------- GAN ----------------
real = (rng.standard_normal((2, 3, 3, 1)) * 2).astype(np.float32)
fake = (rng.standard_normal((2, 3, 3, 1)) * 2).astype(np.float32)
real2 = (rng.standard_normal((2, 2, 2, 1)) * 2).astype(np.float32)
fake2 = (rng.standard_normal((2, 2, 2, 1)) * 2).astype(np.float32)


def real_term(x, mode):
    if mode == 'vanilla':
        return F.binary_cross_entropy_with_logits(x, torch.ones_like(x))
    if mode == 'lsgan':
        return ((x - 1) ** 2).mean()
    if mode == 'hinge':
        return F.relu(1 - x).mean()
    return -x.mean()


def fake_term(x, mode):
    if mode == 'vanilla':
        return F.binary_cross_entropy_with_logits(x, torch.zeros_like(x))
    if mode == 'lsgan':
        return (x ** 2).mean()
    if mode == 'hinge':
        return F.relu(1 + x).mean()
    return x.mean()


def gen_term(x, mode):
    if mode in ('hinge', 'wgan'):
        return -x.mean()
    return real_term(x, mode)


gan = {'real': flat(real), 'fake': flat(fake), 'real2': flat(real2), 'fake2': flat(fake2), 'shape': list(real.shape), 'shape2': list(real2.shape)}
for mode in ['vanilla', 'lsgan', 'hinge', 'wgan']:
    r = leaf(real); f = leaf(fake)
    d = 0.5 * (real_term(r, mode) + fake_term(f, mode))
    d.backward()
    f2 = leaf(fake)
    g = gen_term(f2, mode)
    g.backward()
    # multi-scale: sum over the two scales
    rs = [leaf(real), leaf(real2)]; fs = [leaf(fake), leaf(fake2)]
    dm = 0.5 * sum(real_term(a, mode) + fake_term(b, mode) for a, b in zip(rs, fs))
    gm = sum(gen_term(b, mode) for b in fs)
    gan[mode] = {
        'd': float(d), 'dGradReal': grad_nhwc(r.grad), 'dGradFake': grad_nhwc(f.grad),
        'g': float(g), 'gGradFake': grad_nhwc(f2.grad),
        'dMulti': float(dm), 'gMulti': float(gm),
    }
out['gan'] = gan

# ---------------- WGAN-GP ----------------
# critic(x)_n = sum_{hwc} leaky_relu(w ⊙ x_n, 0.2) + 0.1·sum (w ⊙ x_n)², x NHWC [2,3,3,2], w [3,3,2]
# (no tanh/sigmoid: tfjs' double back-propagation drops the second-order term of ops whose gradient reads their saved output)
gx_real = rng.standard_normal((2, 3, 3, 2)).astype(np.float32)
gx_fake = rng.standard_normal((2, 3, 3, 2)).astype(np.float32)
gw = rng.standard_normal((3, 3, 2)).astype(np.float32)
alpha = np.array([0.3, 0.8], dtype=np.float32)
w = torch.tensor(gw, requires_grad=True)
xr = torch.tensor(gx_real); xf = torch.tensor(gx_fake)
a = torch.tensor(alpha).view(2, 1, 1, 1)
xh = (a * xr + (1 - a) * xf).requires_grad_(True)
crit = (F.leaky_relu(w * xh, 0.2) + 0.1 * (w * xh) ** 2).sum(dim=(1, 2, 3))
gr = torch.autograd.grad(crit.sum(), xh, create_graph=True)[0]
pen = 10 * ((gr.view(2, -1).norm(2, dim=1) - 1) ** 2).mean()
pen.backward()
out['gradientPenalty'] = {'real': flat(gx_real), 'fake': flat(gx_fake), 'w': flat(gw), 'alpha': flat(alpha), 'shape': [2, 3, 3, 2],
                          'value': float(pen), 'gradW': flat(w.grad)}

# ---------------- total variation ----------------
img = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)


def tv(x, mode, red):  # x NCHW
    dy = x[:, :, 1:, :] - x[:, :, :-1, :]
    dx = x[:, :, :, 1:] - x[:, :, :, :-1]
    if mode == 'isotropic':
        m = torch.sqrt(dy[:, :, :, :-1] ** 2 + dx[:, :, :-1, :] ** 2 + 1e-12)
        if red == 'mean':
            return m.mean()
        s = m.sum(dim=(1, 2, 3))
        return s.mean() if red == 'sum' else s
    f = torch.abs if mode == 'l1' else (lambda t: t ** 2)
    if red == 'mean':
        return f(dy).mean() + f(dx).mean()
    s = f(dy).sum(dim=(1, 2, 3)) + f(dx).sum(dim=(1, 2, 3))
    return s.mean() if red == 'sum' else s


tvo = {'images': flat(img), 'shape': list(img.shape)}
for mode in ['l1', 'l2', 'isotropic']:
    for red in ['mean', 'sum', 'none']:
        v, g = value_and_grad(lambda x: tv(x, mode, red), img)
        tvo[f'{mode}_{red}'] = {'value': v, 'grad': g}
# kornia's total_variation (per-image sums) for the 'none' convention
out['tv'] = tvo

# ---------------- segmentation losses ----------------
N, H, W, K = 2, 4, 5, 6
logits = (rng.standard_normal((N, H, W, K)) * 2).astype(np.float32)
labels = rng.integers(0, K, size=(N, H, W)).astype(np.int64)
labels[labels == 4] = 3  # class 4 absent from the ground truth
ign = rng.random((N, H, W)) < 0.2
labels[ign] = 255
cw = rng.uniform(0.2, 2.0, size=K).astype(np.float32)
pa = rng.uniform(0.1, 0.9, size=K).astype(np.float32)
lab_t = torch.tensor(labels)
seg = {'logits': flat(logits), 'labels': [int(v) for v in labels.ravel()], 'shape': [N, H, W, K], 'classWeights': flat(cw), 'perClassAlpha': flat(pa)}


def logits_fn(fn):
    return lambda x: fn(x)  # x NCHW


def ce(x, **kw):
    return F.cross_entropy(x, lab_t, ignore_index=255, **kw)


cases = {
    'ce': lambda x: ce(x),
    'ce_weighted': lambda x: ce(x, weight=torch.tensor(cw)),
    'ce_smooth': lambda x: ce(x, label_smoothing=0.1),
    'ce_smooth_weighted': lambda x: ce(x, weight=torch.tensor(cw), label_smoothing=0.1),
    'ce_sum': lambda x: ce(x, reduction='sum'),
}
for k, fn in cases.items():
    v, g = value_and_grad(fn, logits)
    seg[k] = {'value': v[0], 'grad': g}
v, _ = value_and_grad(lambda x: ce(x, reduction='none'), logits)
seg['ce_none'] = {'value': v}


def focal(x, gamma, alpha=None, reduction='mean'):
    logp = F.log_softmax(x, dim=1)
    mask = lab_t != 255
    safe = torch.where(mask, lab_t, torch.zeros_like(lab_t))
    logpt = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    pt = logpt.exp()
    term = -((1 - pt) ** gamma) * logpt
    if alpha is not None:
        term = term * (torch.tensor(alpha)[safe] if isinstance(alpha, np.ndarray) else alpha)
    term = term * mask
    if reduction == 'none':
        return term
    if reduction == 'sum':
        return term.sum()
    return term.sum() / mask.sum()


for gamma in [0, 0.5, 2]:
    for an, al in [('none', None), ('scalar', 0.25), ('perclass', pa)]:
        v, g = value_and_grad(lambda x: focal(x, gamma, al), logits)
        seg[f'focal_g{gamma}_{an}'] = {'gamma': gamma, 'alpha': an, 'value': v[0], 'grad': g}
v, _ = value_and_grad(lambda x: focal(x, 2, None, 'none'), logits)
seg['focal_none'] = {'value': v}
for al in [0.3, 0.5]:
    v, g = value_and_grad(lambda x: al * ce(x) + (1 - al) * focal(x, 2), logits)
    seg[f'combined_{al}'] = {'alpha': al, 'value': v[0], 'grad': g}
v, g = value_and_grad(lambda x: 0.5 * ce(x, weight=torch.tensor(cw)) + 0.5 * focal(x, 0.5, 0.25), logits)
seg['combined_weighted'] = {'value': v[0], 'grad': g}


def dice(x, smooth=0.0, eps=1e-7, log_loss=False, reduction='mean'):  # smp DiceLoss multiclass, from_logits
    bs, C = x.shape[0], x.shape[1]
    y_pred = x.log_softmax(dim=1).exp().view(bs, C, -1)
    y_true = lab_t.view(bs, -1)
    mask = y_true != 255
    y_pred = y_pred * mask.unsqueeze(1)
    y_true = F.one_hot((y_true * mask).to(torch.long), C).permute(0, 2, 1) * mask.unsqueeze(1)
    y_true = y_true.type_as(y_pred)
    inter = torch.sum(y_pred * y_true, dim=(0, 2))
    card = torch.sum(y_pred + y_true, dim=(0, 2))
    score = (2.0 * inter + smooth) / (card + smooth).clamp_min(eps)
    loss = -torch.log(score.clamp_min(eps)) if log_loss else 1.0 - score
    loss = loss * (y_true.sum(dim=(0, 2)) > 0).to(loss.dtype)
    if reduction == 'none':
        return loss
    return loss.mean() if reduction == 'mean' else loss.sum()


for name, kw in {'dice': {}, 'dice_smooth': {'smooth': 1.0}, 'dice_log': {'log_loss': True}}.items():
    v, g = value_and_grad(lambda x: dice(x, **kw), logits)
    seg[name] = {'value': v[0], 'grad': g}
v, _ = value_and_grad(lambda x: dice(x, reduction='none'), logits)
seg['dice_none'] = {'value': v}


# Lovász-Softmax, following the authors' reference implementation (Berman et al.)
def lovasz_grad(gt_sorted):
    p = len(gt_sorted)
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.float().cumsum(0)
    union = gts + (1 - gt_sorted).float().cumsum(0)
    jaccard = 1.0 - intersection / union
    if p > 1:
        jaccard[1:p] = jaccard[1:p] - jaccard[0:-1]
    return jaccard


def lovasz_flat(probas, lab, classes):
    if probas.numel() == 0:
        return probas * 0.0
    C = probas.size(1)
    losses = []
    for c in (list(range(C)) if classes in ('all', 'present') else classes):
        fg = (lab == c).float()
        if classes == 'present' and fg.sum() == 0:
            continue
        errors = (fg - probas[:, c]).abs()
        errors_sorted, perm = torch.sort(errors, 0, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm])))
    if not losses:
        return probas.sum() * 0.0
    return sum(losses) / len(losses)


def flatten(probas, lab):  # probas NCHW
    C = probas.size(1)
    p = probas.permute(0, 2, 3, 1).contiguous().view(-1, C)
    l = lab.view(-1)
    valid = l != 255
    return p[valid], l[valid]


def lovasz(x, classes='present', per_image=False):
    probas = F.softmax(x, dim=1)
    if per_image:
        ls = [lovasz_flat(*flatten(probas[i:i + 1], lab_t[i:i + 1]), classes) for i in range(probas.shape[0])]
        return sum(ls) / len(ls)
    return lovasz_flat(*flatten(probas, lab_t), classes)


for cl in ['present', 'all', [0, 2, 4]]:
    for pi in [False, True]:
        v, g = value_and_grad(lambda x: lovasz(x, cl, pi), logits)
        seg[f'lovasz_{cl if isinstance(cl, str) else "list"}_{"img" if pi else "batch"}'] = {'classes': cl, 'perImage': pi, 'value': v[0], 'grad': g}
out['seg'] = seg

# ---------------- KL ----------------
mu = rng.standard_normal((2, 3, 3, 4)).astype(np.float32)
lv = (rng.standard_normal((2, 3, 3, 4)) * 0.5).astype(np.float32)
m = torch.tensor(mu, requires_grad=True)
klv = (m ** 2).mean()
klv.backward()
m2 = torch.tensor(mu, requires_grad=True)
l2 = torch.tensor(lv, requires_grad=True)
gk = torch.distributions.kl_divergence(torch.distributions.Normal(m2, torch.exp(0.5 * l2)), torch.distributions.Normal(0.0, 1.0)).mean()
gk.backward()
out['kl'] = {'mu': flat(mu), 'logVar': flat(lv), 'shape': list(mu.shape), 'kl': float(klv), 'klGrad': flat(m.grad),
             'gaussian': float(gk), 'gaussianGradMu': flat(m2.grad), 'gaussianGradLogVar': flat(l2.grad)}

with open(os.path.join(FIX, 'losses.json'), 'w') as fh:
    json.dump(out, fh)

# ---------------- VGG-19 (reduced-width twin) ----------------
DIV = 16
cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']
cfg = [c if c == 'M' else c // DIV for c in cfg]
torch.manual_seed(7)
features = make_layers(cfg, batch_norm=False)
for mod in features.modules():  # torchvision's VGG init, then a non-zero bias so biases are tested
    if isinstance(mod, torch.nn.Conv2d):
        torch.nn.init.kaiming_normal_(mod.weight, mode='fan_out', nonlinearity='relu')
        torch.nn.init.uniform_(mod.bias, -0.1, 0.1)
features.eval()
state = {f'features.{k}': v.detach().clone().float() for k, v in features.state_dict().items()}
state['classifier.0.weight'] = torch.zeros(2, 3)  # ignored by the loader


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':'))
    h += ' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<Q', len(h)))
        fh.write(h.encode())
        for b in blobs:
            fh.write(b)


write_safetensors(os.path.join(FIX, 'vgg19_tiny.safetensors'), state)

# Keras naming, TF.js layers format (model.json + one shard), kernels HWIO
conv_idx = [i for i, mod in enumerate(features) if isinstance(mod, torch.nn.Conv2d)]
names = [f'block{b}_conv{c}' for b, n in zip(range(1, 6), [2, 2, 4, 4, 4]) for c in range(1, n + 1)]
kdir = os.path.join(FIX, 'vgg19_tiny_keras')
os.makedirs(kdir, exist_ok=True)
entries, blob = [], b''
for name, i in zip(names, conv_idx):
    wgt = features[i].weight.detach().numpy().transpose(2, 3, 1, 0).astype('<f4')
    bias = features[i].bias.detach().numpy().astype('<f4')
    entries.append({'name': f'{name}/kernel', 'shape': list(wgt.shape), 'dtype': 'float32'})
    entries.append({'name': f'{name}/bias', 'shape': list(bias.shape), 'dtype': 'float32'})
    blob += np.ascontiguousarray(wgt).tobytes() + bias.tobytes()
with open(os.path.join(kdir, 'group1-shard1of1.bin'), 'wb') as fh:
    fh.write(blob)
with open(os.path.join(kdir, 'model.json'), 'w') as fh:
    json.dump({'format': 'layers-model', 'generatedBy': 'scripts/gen_loss_fixtures.py (reduced-width VGG19 twin)',
               'modelTopology': {'class_name': 'Functional', 'config': {'name': 'vgg19'}},
               'weightsManifest': [{'paths': ['group1-shard1of1.bin'], 'weights': entries}]}, fh)

# taps: index in features of conv (pre-activation) / relu / pool outputs
taps = {}
bi, ci = 1, 1
for i, mod in enumerate(features):
    if isinstance(mod, torch.nn.Conv2d):
        taps[f'conv{bi}_{ci}'] = i
    elif isinstance(mod, torch.nn.ReLU):
        taps[f'relu{bi}_{ci}'] = i
        ci += 1
    else:
        taps[f'pool{bi}'] = i
        bi, ci = bi + 1, 1
for mod in features:
    if isinstance(mod, torch.nn.ReLU):
        mod.inplace = False

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def vgg_taps(x, names):  # x NCHW in [-1,1]
    h = ((x + 1) / 2 - MEAN) / STD
    res = {}
    last = max(taps[n] for n in names)
    for i in range(last + 1):
        h = features[i](h)
        for n in names:
            if taps[n] == i:
                res[n] = h
    return res


vimg = (rng.uniform(-1, 1, size=(2, 32, 32, 3))).astype(np.float32)
vtarget = (rng.uniform(-1, 1, size=(2, 32, 32, 3))).astype(np.float32)
vo = {'images': flat(vimg), 'target': flat(vtarget), 'shape': list(vimg.shape), 'features': {}}
with torch.no_grad():
    fs = vgg_taps(nhwc_to_nchw(vimg), ['conv1_2', 'conv3_4', 'conv5_4', 'relu2_2', 'pool5'])
for n, t in fs.items():
    vo['features'][n] = {'shape': list(t.permute(0, 2, 3, 1).shape), 'data': grad_nhwc(t)}


def gram(f):
    n, c, h, w = f.shape
    ff = f.view(n, c, h * w)
    return ff.bmm(ff.transpose(1, 2)) / (c * h * w)


feat = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
vo['gram'] = {'features': flat(feat), 'shape': list(feat.shape), 'value': flat(gram(nhwc_to_nchw(feat)))}

tgt = nhwc_to_nchw(vtarget)


def perceptual(x, layers, crit):
    fx = vgg_taps(x, list(layers))
    with torch.no_grad():
        ft = vgg_taps(tgt, list(layers))
    tot = 0
    for n, wl in layers.items():
        d = fx[n] - ft[n]
        tot = tot + wl * (d.abs().mean() if crit == 'l1' else (d ** 2).mean())
    return tot


def style(x, layers):
    fx = vgg_taps(x, list(layers))
    with torch.no_grad():
        ft = vgg_taps(tgt, list(layers))
    return sum(wl * (gram(fx[n]) - gram(ft[n])).abs().mean() for n, wl in layers.items())


for name, fn in {
    'perceptual_conv5_4_l1': lambda x: perceptual(x, {'conv5_4': 1.0}, 'l1'),
    'perceptual_multi_l2': lambda x: perceptual(x, {'conv1_2': 0.5, 'conv3_4': 1.0, 'relu2_2': 2.0}, 'l2'),
    'style_default': lambda x: style(x, {'relu2_2': 1.0, 'relu3_4': 1.0, 'relu4_4': 1.0, 'relu5_2': 1.0}),
}.items():
    v, g = value_and_grad(fn, vimg)
    vo[name] = {'value': v[0], 'grad': g}

# UNIT's compute_vgg_loss on the twin's relu4_4: mean((IN(f(img)) - IN(f(target)))^2)
with torch.no_grad():
    fi = vgg_taps(nhwc_to_nchw(vimg), ['relu4_4'])['relu4_4']
    ft_ = vgg_taps(tgt, ['relu4_4'])['relu4_4']
    vo['unit_vgg_relu4_4'] = float(torch.mean((F.instance_norm(fi, eps=1e-5) - F.instance_norm(ft_, eps=1e-5)) ** 2))

full = VGG(make_layers([64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']), init_weights=False)
vo['fullFeatureParams'] = sum(p.numel() for p in full.features.parameters() if p.requires_grad)
with open(os.path.join(FIX, 'losses_vgg.json'), 'w') as fh:
    json.dump(vo, fh)
print('wrote', FIX)
