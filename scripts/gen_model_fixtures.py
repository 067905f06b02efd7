#!/usr/bin/python3
"""Fixtures for test/layers.test.ts and test/models*.test.ts.

Run with Debian's python (torch 1.13, torchvision):
    /usr/bin/python3 scripts/gen_model_fixtures.py

Writes test/fixtures/models/<case>.safetensors (the torch state_dict, written
by the small safetensors writer below) and <case>.json (input and output in
NHWC, flattened). The reference modules are re-stated here from the papers'
code (pix2pix/CycleGAN networks, torchvision ResNet) so the tests compare
segaware against what PyTorch computes with the same weights.
ResNet-18 is too large to commit, so its weights follow a closed formula
(`formula_state_dict`) that test/models_resnet.test.ts reproduces.
"""
import json
import math
import os
import struct

import numpy as np
import sys

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from torch_reference_nets import MsImageDis, NLayerDiscriminator, PanopticFpnSemSeg, ResnetGenerator, UnetGenerator

torch.manual_seed(0)
np.random.seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'models')
os.makedirs(OUT, exist_ok=True)


def save_safetensors(path, state):
    header, blobs, off = {}, [], 0
    for k, v in state.items():
        v = v.detach().contiguous().cpu()
        if v.dtype == torch.int64:
            dt, b = 'I64', v.numpy().astype('<i8').tobytes()
        else:
            dt, b = 'F32', v.float().numpy().astype('<f4').tobytes()
        header[k] = {'dtype': dt, 'shape': list(v.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def nhwc(t):
    return t.detach().permute(0, 2, 3, 1).contiguous()


def dump(name, state, inputs, outputs, extra=None):
    if state is not None:
        save_safetensors(os.path.join(OUT, name + '.safetensors'), state)
    d = {'input': {'shape': list(nhwc(inputs).shape), 'data': [round(float(v), 7) for v in nhwc(inputs).flatten()]}}
    outs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    d['outputs'] = [{'shape': list(nhwc(o).shape), 'data': [float(v) for v in nhwc(o).flatten()]} for o in outs]
    if extra:
        d.update(extra)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(d, f)
    print(name, [list(o.shape) for o in outs])


def randomize_bn(m):
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.3, 0.3)
                mod.running_mean.uniform_(-0.3, 0.3)
                mod.running_var.uniform_(0.5, 1.5)


def prefixed(state, prefix):
    return {prefix + k: v for k, v in state.items()}


# ---------------------------------------------------------------- layers
x = torch.randn(2, 6, 7, 9)
inorm = nn.InstanceNorm2d(6, affine=True)
with torch.no_grad():
    inorm.weight.uniform_(0.5, 1.5)
    inorm.bias.uniform_(-0.5, 0.5)
dump('instance_norm', prefixed(inorm.state_dict(), 'norm.'), x, inorm(x))

x = torch.randn(2, 8, 5, 6) * 2 + 1
gnorm = nn.GroupNorm(4, 8)
with torch.no_grad():
    gnorm.weight.uniform_(0.5, 1.5)
    gnorm.bias.uniform_(-0.5, 0.5)
dump('group_norm', prefixed(gnorm.state_dict(), 'norm.'), x, gnorm(x))

x = torch.randn(1, 3, 5, 6)
dump('reflection_pad', None, x, nn.ReflectionPad2d((2, 1, 3, 1))(x))  # (left, right, top, bottom)

for name, conv in [
    ('spectral_conv', nn.Conv2d(4, 5, 3, 1, 0)),
    ('spectral_convt', nn.ConvTranspose2d(4, 3, 4, 2, 1)),
]:
    sn = nn.utils.spectral_norm(conv)
    x = torch.randn(2, 4, 6, 6)
    state = prefixed({k: v.clone() for k, v in sn.state_dict().items()}, 'conv.')
    sn.train()
    y_train = sn(x)
    u_after = sn.weight_u.detach().clone()
    v_after = sn.weight_v.detach().clone()
    sn.eval()
    y_eval = sn(x)
    dump(name, state, x, [y_train, y_eval], {'u_after': u_after.tolist(), 'v_after': v_after.tolist()})


# ---------------------------------------------------------------- pix2pix / CycleGAN networks (scripts/torch_reference_nets.py)
def perturb_biases(m, fan_scaled=False):
    """Random conv weights (N(0, 0.3), or N(0, 1/fan) to keep a deep eval-mode net out of tanh saturation) and biases."""
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(mod.weight, 0, 1.0 / math.sqrt(mod.weight[0].numel()) if fan_scaled else 0.3)
                if mod.bias is not None:
                    mod.bias.uniform_(-0.2, 0.2)


net = UnetGenerator(3, 2, 5, 4)
perturb_biases(net, fan_scaled=True)
randomize_bn(net)
net.eval()
x = torch.randn(2, 3, 32, 32)
dump('unet_generator', net.state_dict(), x, net(x))

net = NLayerDiscriminator(6, 4, 3)
perturb_biases(net)
randomize_bn(net)
net.eval()
x = torch.randn(1, 6, 32, 40)
dump('patchgan', net.state_dict(), x, net(x))

net = NLayerDiscriminator(6, 4, 3)
perturb_biases(net)
randomize_bn(net)
for i, mod in enumerate(net.model):
    if isinstance(mod, nn.Conv2d):
        net.model[i] = nn.utils.spectral_norm(mod)
state = {k: v.clone() for k, v in net.state_dict().items()}
x = torch.randn(2, 6, 32, 32)
net.eval()
y_eval = net(x)
net.train()
y_train = net(x)  # one power iteration per conv, batch statistics in BN
dump('patchgan_sn', state, x, [y_eval, y_train])

net = ResnetGenerator(3, 3, 4, 2, 'instance', 'reflect')
perturb_biases(net)
x = torch.randn(1, 3, 16, 20)
dump('resnet_generator', net.state_dict(), x, net(x))

net = ResnetGenerator(3, 2, 4, 1, 'batch', 'zero')
perturb_biases(net, fan_scaled=True)
randomize_bn(net)
net.eval()
x = torch.randn(2, 3, 12, 16)
dump('resnet_generator_bn_zero', net.state_dict(), x, net(x))


# ---------------------------------------------------------------- torchvision ResNet-18 (formula weights)
def key_hash(key):
    return sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 997


def formula_tensor(key, shape):
    """Deterministic weights; test/models_resnet.test.ts computes the same (float64 then float32)."""
    n = int(np.prod(shape)) if len(shape) else 1
    j = np.arange(n, dtype=np.float64)
    s = np.sin(0.7 * j + 0.37 * key_hash(key))
    if key.endswith('running_var'):
        v = 1.0 + 0.5 * s * s
    elif key.endswith('running_mean'):
        v = 0.1 * s
    elif key.endswith('bias'):
        v = 0.1 * s
    elif len(shape) == 1:  # BN weight
        v = 1.0 + 0.2 * s
    else:
        fan_in = int(np.prod(shape[1:]))
        v = s * math.sqrt(2.0 / fan_in)
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def formula_input(shape):
    n = int(np.prod(shape))
    j = np.arange(n, dtype=np.float64)
    return np.sin(0.013 * j * j + 0.1 * j).astype(np.float32).reshape(shape)


r18 = torchvision.models.resnet18()
sd = r18.state_dict()
r18.load_state_dict({k: (formula_tensor(k, list(v.shape)) if v.dtype != torch.int64 else v) for k, v in sd.items()})
r18.eval()
x_nhwc = formula_input([1, 32, 32, 3])
x = torch.from_numpy(x_nhwc).permute(0, 3, 1, 2).contiguous()
with torch.no_grad():
    h = r18.maxpool(r18.relu(r18.bn1(r18.conv1(x))))
    c2 = r18.layer1(h)
    c3 = r18.layer2(c2)
    c4 = r18.layer3(c3)
    c5 = r18.layer4(c4)
dump('resnet18', None, x, [c2, c3, c4, c5])

# ---------------------------------------------------------------- Panoptic FPN semantic branch on ResNet-18 (formula weights)
fpn = PanopticFpnSemSeg(depth=18, num_classes=3, fpn_ch=16, head_ch=8, groups=4)
sd = fpn.state_dict()
fpn.load_state_dict({k: (formula_tensor(k, list(v.shape)) if v.dtype != torch.int64 else v) for k, v in sd.items()})
fpn.eval()
with torch.no_grad():
    y = fpn(x)
dump('fpn_r18', None, x, y, {'keys': [k for k in sd.keys() if not k.endswith('num_batches_tracked')]})

# ---------------------------------------------------------------- UNIT multi-scale discriminator (odd sizes exercise the pooling)
torch.manual_seed(1)
net = MsImageDis(3, 4, 2, 3)
perturb_biases(net, fan_scaled=True)
x = torch.randn(1, 3, 22, 18)
dump('multiscale', net.state_dict(), x, net(x))
