"""PyTorch reference networks re-stated from the pix2pix / CycleGAN code
(Isola et al., Zhu et al.) with the same module paths, so state_dict keys
match what segaware's builders map. Used by scripts/gen_model_fixtures.py and
bench/models_torch.py.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class UnetBlock(nn.Module):
    """pix2pix UnetSkipConnectionBlock (batch norm => convs without bias).

    The LeakyReLU is in place, as in the reference, so the skip branch carries LeakyReLU(x).
    """

    def __init__(self, outer_nc, inner_nc, input_nc=None, sub=None, outermost=False, innermost=False, dropout=False):
        super().__init__()
        self.outermost = outermost
        input_nc = input_nc or outer_nc
        downconv = nn.Conv2d(input_nc, inner_nc, 4, 2, 1, bias=False)
        downrelu, uprelu = nn.LeakyReLU(0.2, True), nn.ReLU(True)
        downnorm, upnorm = nn.BatchNorm2d(inner_nc), nn.BatchNorm2d(outer_nc)
        if outermost:
            up = [uprelu, nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, 2, 1), nn.Tanh()]
            layers = [downconv, sub] + up
        elif innermost:
            layers = [downrelu, downconv, uprelu, nn.ConvTranspose2d(inner_nc, outer_nc, 4, 2, 1, bias=False), upnorm]
        else:
            layers = [downrelu, downconv, downnorm, sub, uprelu, nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, 2, 1, bias=False), upnorm]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf, dropout=True):
        super().__init__()
        b = UnetBlock(ngf * 8, ngf * 8, innermost=True)
        for _ in range(num_downs - 5):
            b = UnetBlock(ngf * 8, ngf * 8, sub=b, dropout=dropout)
        b = UnetBlock(ngf * 4, ngf * 8, sub=b)
        b = UnetBlock(ngf * 2, ngf * 4, sub=b)
        b = UnetBlock(ngf, ngf * 2, sub=b)
        self.model = UnetBlock(output_nc, ngf, input_nc=input_nc, sub=b, outermost=True)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf=64, n_layers=3):
        super().__init__()
        seq = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1, bias=False), nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


def pix2pix_step(G, D, opt_g, opt_d, a, b):
    """One pix2pix iteration (the bench reference): one G forward; D (LSGAN) on the detached
    fake, then G (LSGAN + 100·L1)."""
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


class ResnetBlock(nn.Module):
    def __init__(self, dim, padding, norm, bias):
        super().__init__()
        blk = []
        for k in range(2):
            p = 0
            if padding == 'reflect':
                blk.append(nn.ReflectionPad2d(1))
            else:
                p = 1
            blk += [nn.Conv2d(dim, dim, 3, padding=p, bias=bias), norm(dim)]
            if k == 0:
                blk.append(nn.ReLU(True))
        self.conv_block = nn.Sequential(*blk)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf, n_blocks, norm='instance', padding='reflect'):
        super().__init__()
        normf = (lambda c: nn.InstanceNorm2d(c, affine=False, track_running_stats=False)) if norm == 'instance' else nn.BatchNorm2d
        bias = norm == 'instance'
        m = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, bias=bias), normf(ngf), nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            m += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, 2, 1, bias=bias), normf(ngf * mult * 2), nn.ReLU(True)]
        for _ in range(n_blocks):
            m.append(ResnetBlock(ngf * 4, padding, normf, bias))
        for i in range(2):
            mult = 2 ** (2 - i)
            m += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, 2, 1, output_padding=1, bias=bias), normf(ngf * mult // 2), nn.ReLU(True)]
        m += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
        self.model = nn.Sequential(*m)

    def forward(self, x):
        return self.model(x)


class ConvGnRelu(nn.Conv2d):
    """detectron2-style Conv2d carrying its norm (`<name>.norm`), then ReLU."""

    def __init__(self, cin, cout, groups):
        super().__init__(cin, cout, 3, padding=1, bias=False)
        self.norm = nn.GroupNorm(groups, cout)

    def forward(self, x):
        return torch.relu(self.norm(super().forward(x)))


class SemSegHead(nn.Module):
    def __init__(self, fpn_ch, head_ch, groups, num_classes):
        super().__init__()
        self.scale_heads = nn.ModuleList()
        for i in range(4):
            ops = []
            for k in range(max(1, i)):
                ops.append(ConvGnRelu(fpn_ch if k == 0 else head_ch, head_ch, groups))
                if i > 0:
                    ops.append(nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False))
            self.scale_heads.append(nn.Sequential(*ops))
        self.predictor = nn.Conv2d(head_ch, num_classes, 1)


class PanopticFpnSemSeg(nn.Module):
    """Panoptic FPN semantic branch on a torchvision ResNet, module names as segaware's fpnSegmenter."""

    def __init__(self, depth=50, num_classes=19, fpn_ch=256, head_ch=128, groups=32):
        super().__init__()
        import torchvision
        r = getattr(torchvision.models, 'resnet%d' % depth)()
        self.conv1, self.bn1, self.relu, self.maxpool = r.conv1, r.bn1, r.relu, r.maxpool
        self.layer1, self.layer2, self.layer3, self.layer4 = r.layer1, r.layer2, r.layer3, r.layer4
        chans = [256, 512, 1024, 2048] if depth >= 50 else [64, 128, 256, 512]
        for lvl, c in zip(range(2, 6), chans):
            setattr(self, 'fpn_lateral%d' % lvl, nn.Conv2d(c, fpn_ch, 1))
            setattr(self, 'fpn_output%d' % lvl, nn.Conv2d(fpn_ch, fpn_ch, 3, padding=1))
        self.sem_seg_head = SemSegHead(fpn_ch, head_ch, groups, num_classes)

    def forward(self, x):
        h = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        cs = []
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            h = layer(h)
            cs.append(h)
        prev = self.fpn_lateral5(cs[3])
        ps = [None, None, None, self.fpn_output5(prev)]
        for i in (2, 1, 0):
            prev = getattr(self, 'fpn_lateral%d' % (i + 2))(cs[i]) + nn.functional.interpolate(prev, scale_factor=2, mode='nearest')
            ps[i] = getattr(self, 'fpn_output%d' % (i + 2))(prev)
        y = sum(self.sem_seg_head.scale_heads[i](ps[i]) for i in range(4))
        return nn.functional.interpolate(self.sem_seg_head.predictor(y), scale_factor=4, mode='bilinear', align_corners=False)


class Conv2dBlock(nn.Module):
    """UNIT Conv2dBlock with norm 'none': pad → conv → LeakyReLU(0.2)."""

    def __init__(self, cin, cout, k, s, p, pad_type='reflect'):
        super().__init__()
        self.pad = nn.ReflectionPad2d(p) if pad_type == 'reflect' else nn.ZeroPad2d(p)
        self.conv = nn.Conv2d(cin, cout, k, s, bias=True)
        self.activation = nn.LeakyReLU(0.2, inplace=True)

    def forward(self, x):
        return self.activation(self.conv(self.pad(x)))


class MsImageDis(nn.Module):
    """UNIT multi-scale discriminator (norm 'none', lrelu), module names as segaware's multiScaleDiscriminator."""

    def __init__(self, input_dim=3, dim=64, n_layer=4, num_scales=3, pad_type='reflect'):
        super().__init__()
        self.downsample = nn.AvgPool2d(3, stride=2, padding=[1, 1], count_include_pad=False)
        self.cnns = nn.ModuleList()
        for _ in range(num_scales):
            d = dim
            layers = [Conv2dBlock(input_dim, d, 4, 2, 1, pad_type)]
            for _ in range(n_layer - 1):
                layers.append(Conv2dBlock(d, d * 2, 4, 2, 1, pad_type))
                d *= 2
            layers.append(nn.Conv2d(d, 1, 1, 1, 0))
            self.cnns.append(nn.Sequential(*layers))

    def forward(self, x):
        outs = []
        for cnn in self.cnns:
            outs.append(cnn(x))
            x = self.downsample(x)
        return outs
