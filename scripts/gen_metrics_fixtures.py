#!/usr/bin/env python3
"""Generates the metric fixtures in test/fixtures/metrics_*.json from Debian's
scientific Python (scikit-image 0.19, SciPy 1.10, scikit-learn 1.2, NumPy, torch 1.13).

Run: /usr/bin/python3 scripts/gen_metrics_fixtures.py

Test images are procedural (integer arithmetic shared with test/helpers/metrics_pairs.ts),
so no pixel data is stored: a_u8 = (3x + 2y + 40c + (h1 % 64)) % 256,
b_u8 = clip(a_u8 + (h2 % 32) - 16, 0, 255), pixels = float32(u8 / 255) * scale.
"""
import json
import os

import numpy as np
import scipy.linalg
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from sklearn.metrics import confusion_matrix

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
P = 1000003


def hash_noise(n, h, w, c, seed):
    b = np.arange(n).reshape(n, 1, 1, 1)
    y = np.arange(h).reshape(1, h, 1, 1)
    x = np.arange(w).reshape(1, 1, w, 1)
    ch = np.arange(c).reshape(1, 1, 1, c)
    v = (y * 7919 + x * 104729 + ch * 1299709 + (seed + 17 * b) * 15485863) % P
    return (v * v) % P


def make_pair(n, h, w, c, seed, scale=1.0):
    y = np.arange(h).reshape(1, h, 1, 1)
    x = np.arange(w).reshape(1, 1, w, 1)
    ch = np.arange(c).reshape(1, 1, 1, c)
    a = (3 * x + 2 * y + 40 * ch + hash_noise(n, h, w, c, seed) % 64) % 256
    b = np.clip(a + hash_noise(n, h, w, c, seed + 1) % 32 - 16, 0, 255)
    fa = (a.astype(np.float64) / 255.0).astype(np.float32)
    fb = (b.astype(np.float64) / 255.0).astype(np.float32)
    if scale != 1.0:
        fa = (fa * np.float32(scale)).astype(np.float32)
        fb = (fb * np.float32(scale)).astype(np.float32)
    return fa.astype(np.float64), fb.astype(np.float64)


def gauss1d(size, sigma):
    r = (size - 1) / 2
    g = np.exp(-((np.arange(size) - r) ** 2) / (2 * sigma * sigma))
    return g / g.sum()


def ssim_torch_padded(a, b, R, mode, size=11, sigma=1.5):
    """pytorch_ssim ('zero': conv2d padding=size//2) / torchmetrics>=1.5 ('reflect': F.pad reflect), no crop,
    full 2-D Gaussian window, population statistics, mean over the map and channels."""
    x = torch.from_numpy(a).permute(0, 3, 1, 2).double()
    y = torch.from_numpy(b).permute(0, 3, 1, 2).double()
    c = x.shape[1]
    g = torch.from_numpy(gauss1d(size, sigma))
    win = torch.outer(g, g).expand(c, 1, size, size).contiguous()
    r = size // 2

    def filt(t):
        if mode == 'reflect':
            return F.conv2d(F.pad(t, (r, r, r, r), mode='reflect'), win, groups=c)
        return F.conv2d(t, win, padding=r, groups=c)

    mx, my = filt(x), filt(y)
    sxx = filt(x * x) - mx * mx
    syy = filt(y * y) - my * my
    sxy = filt(x * y) - mx * my
    c1, c2 = (0.01 * R) ** 2, (0.03 * R) ** 2
    m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return m.mean(dim=(1, 2, 3)).numpy()


def skimage_ssim(a, b, R, **kw):
    return np.array([structural_similarity(a[i], b[i], data_range=R, channel_axis=-1, **kw) for i in range(a.shape[0])])


def wang2009_downsample(img):
    """ssim.m (2009): f = max(1, round(min(M,N)/256)); imfilter(img, ones(f)/f^2, 'symmetric', 'same'); img(1:f:end, 1:f:end)."""
    h, w = img.shape[:2]
    f = max(1, int(np.floor(min(h, w) / 256 + 0.5)))
    if f == 1:
        return img
    c = (f + 1) // 2 - 1  # MATLAB centre floor((f+1)/2), 0-based
    padded = np.pad(img, ((c, f - 1 - c), (c, f - 1 - c), (0, 0)), mode='symmetric')
    out = np.zeros_like(img)
    for dy in range(f):
        for dx in range(f):
            out += padded[dy:dy + h, dx:dx + w]
    out /= f * f
    return out[::f, ::f]


def tf_ms_ssim(a, b, R, weights=(0.0448, 0.2856, 0.3001, 0.2363, 0.1333)):
    """tf.image.ssim_multiscale, written in NumPy: valid 11x11 Gaussian (sigma 1.5), per-channel cs / ssim means,
    odd sizes zero-padded by one at the end before 2x2 average pooling, relu, weighted product, mean over channels."""
    g = gauss1d(11, 1.5)
    c1, c2 = (0.01 * R) ** 2, (0.03 * R) ** 2

    def filt(t):  # valid separable filtering over axes 1, 2 of [N,H,W,C]
        t = ndi.correlate1d(t, g, axis=1, mode='constant')[:, 5:-5]
        return ndi.correlate1d(t, g, axis=2, mode='constant')[:, :, 5:-5]

    x, y = a.copy(), b.copy()
    terms = []
    for j in range(len(weights)):
        if j > 0:
            ph, pw = x.shape[1] % 2, x.shape[2] % 2
            x = np.pad(x, ((0, 0), (0, ph), (0, pw), (0, 0)))
            y = np.pad(y, ((0, 0), (0, ph), (0, pw), (0, 0)))
            n, h, w, c = x.shape
            x = x.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))
            y = y.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))
        mx, my = filt(x), filt(y)
        sxx = filt(x * x) - mx * mx
        syy = filt(y * y) - my * my
        sxy = filt(x * y) - mx * my
        lum = (2 * mx * my + c1) / (mx * mx + my * my + c1)
        cs = (2 * sxy + c2) / (sxx + syy + c2)
        v = (lum * cs).mean(axis=(1, 2)) if j == len(weights) - 1 else cs.mean(axis=(1, 2))
        terms.append(np.maximum(v, 0) ** weights[j])
    return np.prod(np.stack(terms), axis=0).mean(axis=-1)


def image_fixtures():
    cases = []

    def add(name, shape, seed, scale, R, opts, values):
        cases.append({'name': name, 'shape': list(shape), 'seed': seed, 'scale': scale, 'dataRange': R, 'options': opts,
                      'expected': [float(v) for v in values]})

    # PSNR (scikit-image)
    for shape, seed, scale, R in [((2, 9, 11, 3), 1, 1.0, 1.0), ((1, 16, 16, 1), 2, 255.0, 255.0)]:
        a, b = make_pair(*shape, seed, scale)
        add('psnr', shape, seed, scale, R, {}, [peak_signal_noise_ratio(b[i], a[i], data_range=R) for i in range(shape[0])])
    # SSIM, Wang / scikit-image configuration ('valid')
    for shape, seed, scale, R in [((2, 24, 20, 3), 3, 1.0, 1.0), ((1, 17, 23, 1), 4, 255.0, 255.0), ((1, 11, 11, 2), 5, 1.0, 1.0)]:
        a, b = make_pair(*shape, seed, scale)
        add('ssim', shape, seed, scale, R, {}, skimage_ssim(a, b, R, gaussian_weights=True, sigma=1.5, use_sample_covariance=False))
    # SSIM with sample covariance (scikit-image use_sample_covariance=True)
    a, b = make_pair(1, 20, 20, 3, 6)
    add('ssim', (1, 20, 20, 3), 6, 1.0, 1.0, {'sampleCovariance': True},
        skimage_ssim(a, b, 1.0, gaussian_weights=True, sigma=1.5, use_sample_covariance=True))
    # uniform window (scikit-image default window 7, and 9)
    for ws in (7, 9):
        a, b = make_pair(2, 19, 21, 3, 7 + ws)
        opts = {'gaussian': False} if ws == 7 else {'gaussian': False, 'windowSize': ws}
        add('ssim', (2, 19, 21, 3), 7 + ws, 1.0, 1.0, opts,
            skimage_ssim(a, b, 1.0, gaussian_weights=False, win_size=ws, use_sample_covariance=False))
    # zero padding (pytorch_ssim) and reflect padding (torchmetrics >= 1.5), computed with torch conv2d
    for mode, R, scale in (('zero', 1.0, 1.0), ('reflect', 1.0, 1.0), ('zero', 2.0, 2.0)):
        a, b = make_pair(2, 16, 13, 3, 20, scale)
        add('ssim', (2, 16, 13, 3), 20, scale, R, {'padding': mode}, ssim_torch_padded(a, b, R, mode))
    # 2009 ssim.m downsampling (f = 2 and f = 3), then the Wang configuration
    for shape, seed in (((1, 385, 401, 1), 30), ((1, 700, 650, 1), 31)):
        a, b = make_pair(*shape, seed)
        da, db = wang2009_downsample(a[0]), wang2009_downsample(b[0])
        v = structural_similarity(da, db, data_range=1.0, channel_axis=-1, gaussian_weights=True, sigma=1.5,
                                  use_sample_covariance=False)
        add('ssim', shape, seed, 1.0, 1.0, {'downsample': True}, [v])
    # MS-SSIM (tf.image.ssim_multiscale definition)
    for shape, seed, R, scale in (((2, 176, 180, 3), 40, 1.0, 1.0), ((1, 183, 177, 1), 41, 255.0, 255.0)):
        a, b = make_pair(*shape, seed, scale)
        add('msSsim', shape, seed, scale, R, {}, tf_ms_ssim(a, b, R))
    # sanity: the separable NumPy filter equals scikit-image in the Wang configuration
    a, b = make_pair(2, 176, 180, 3, 40)
    ref = skimage_ssim(a, b, 1.0, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
    one = tf_ms_ssim(a, b, 1.0, weights=(1.0,))
    assert np.allclose(ref, one, rtol=1e-12), (ref, one)
    return {'generator': 'scripts/gen_metrics_fixtures.py', 'cases': cases}


def confusion_fixtures():
    rng = np.random.default_rng(7)
    cases = []
    # K = 6: class 4 predicted but absent from the GT (IoU 0), class 5 absent everywhere (NaN),
    # ignore pixels (255), predictions outside [0, K) (7, 200) counted as misses of their GT class.
    k = 6
    shape = (2, 7, 9)
    t = rng.choice([0, 1, 2, 3, 255], size=shape, p=[0.35, 0.25, 0.2, 0.1, 0.1])
    p = np.where(rng.random(shape) < 0.6, t, rng.choice([0, 1, 2, 3, 4, 7, 200], size=shape))
    p = np.where(p == 255, 1, p)
    cases.append({'name': 'mixed', 'numClasses': k, 'shape': list(shape), 'target': t.ravel().tolist(), 'pred': p.ravel().tolist()})
    # K = 3, everything valid
    t2 = rng.integers(0, 3, size=(1, 5, 6))
    p2 = rng.integers(0, 3, size=(1, 5, 6))
    cases.append({'name': 'plain', 'numClasses': 3, 'shape': [1, 5, 6], 'target': t2.ravel().tolist(), 'pred': p2.ravel().tolist()})
    for c in cases:
        k = c['numClasses']
        tt = np.array(c['target'])
        pp = np.array(c['pred'])
        keep = tt != 255
        tt, pp = tt[keep], pp[keep]
        pcol = np.where((pp >= 0) & (pp < k), pp, k)
        hist = np.bincount(tt * (k + 1) + pcol, minlength=k * (k + 1)).reshape(k, k + 1).astype(np.float64)
        diag = np.diag(hist[:, :k])
        rows = hist.sum(1)
        cols = hist[:, :k].sum(0)
        with np.errstate(invalid='ignore', divide='ignore'):
            acc = diag / rows
            iou = diag / (rows + cols - diag)
            dice = 2 * diag / (rows + cols)
        freq = rows / rows.sum()
        sk = confusion_matrix(tt[pcol < k], pp[pcol < k], labels=list(range(k)))
        assert np.array_equal(sk, hist[:, :k]), 'sklearn disagrees with bincount'
        nan = lambda v: [None if np.isnan(x) else float(x) for x in v]  # noqa: E731
        c['expected'] = {
            'matrix': hist[:, :k].tolist(),
            'pixelAccuracy': float(diag.sum() / hist.sum()),
            'meanAccuracy': float(np.nanmean(acc)),
            'meanIoU': float(np.nanmean(iou)),
            'fwIoU': float((freq[freq > 0] * iou[freq > 0]).sum()),
            'accuracy': nan(acc),
            'iou': nan(iou),
            'dice': nan(dice),
        }
    return {'generator': 'scripts/gen_metrics_fixtures.py', 'cases': cases}


def fid_reference(mu1, s1, mu2, s2, eps=1e-6):
    """pytorch-fid calculate_frechet_distance (scipy.linalg.sqrtm of sigma1 @ sigma2)."""
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    if not np.isfinite(covmean).all():
        off = np.eye(s1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((s1 + off).dot(s2 + off))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def fid_fixtures():
    rng = np.random.default_rng(11)
    cases = []
    for n1, n2, d, shift in ((40, 30, 6, 0.3), (64, 50, 12, 1.0), (25, 25, 5, 0.0)):
        mix = rng.normal(size=(d, d))
        x1 = rng.normal(size=(n1, d)).astype(np.float32).astype(np.float64)
        x2 = (rng.normal(size=(n2, d)) @ (np.eye(d) + 0.3 * mix) + shift).astype(np.float32).astype(np.float64)
        mu1, mu2 = x1.mean(0), x2.mean(0)
        s1, s2 = np.cov(x1, rowvar=False), np.cov(x2, rowvar=False)
        cases.append({'features1': x1.tolist(), 'features2': x2.tolist(), 'mu1': mu1.tolist(), 'mu2': mu2.tolist(),
                      'sigma1': s1.tolist(), 'sigma2': s2.tolist(), 'fid': fid_reference(mu1, s1, mu2, s2)})
    return {'generator': 'scripts/gen_metrics_fixtures.py', 'cases': cases}


def write(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')


def cli_fixtures():
    """Tiny PNG folders for test/metrics_cli.test.ts and the expected numbers (PIL + NumPy + scikit-image)."""
    from PIL import Image
    root = os.path.join(OUT, 'metrics_cli')
    rng = np.random.default_rng(5)
    expected = {}
    # segmentation, K = 4, 8-bit greyscale, ignore 255; predictions named *_pred.png
    for sub in ('seg/pred', 'seg/gt', 'img/pred', 'img/gt', 'cs/pred', 'cs/gt/city'):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    k = 4
    hist = np.zeros((k, k + 1))
    for i in range(3):
        t = rng.choice([0, 1, 2, 255], size=(6, 9), p=[0.4, 0.3, 0.2, 0.1]).astype(np.uint8)
        pr = np.where(rng.random((6, 9)) < 0.7, np.where(t == 255, 3, t), rng.integers(0, k, (6, 9))).astype(np.uint8)
        Image.fromarray(t, mode='L').save(os.path.join(root, 'seg/gt', f'img{i}.png'))
        Image.fromarray(pr, mode='L').save(os.path.join(root, 'seg/pred', f'img{i}_pred.png'))
        keep = t != 255
        hist += np.bincount(t[keep].astype(int) * (k + 1) + pr[keep], minlength=k * (k + 1)).reshape(k, k + 1)
    diag = np.diag(hist[:, :k])
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = diag / (hist.sum(1) + hist[:, :k].sum(0) - diag)
    expected['seg'] = {'pixelAccuracy': float(diag.sum() / hist.sum()), 'meanIoU': float(np.nanmean(iou)), 'matrix': hist[:, :k].tolist()}
    # restoration: RGB uint8 pairs, PSNR / SSIM with data_range 255 (scikit-image)
    ps, ss = [], []
    for i in range(3):
        a = rng.integers(0, 256, (20, 23, 3)).astype(np.uint8)
        a = ndi.uniform_filter(a.astype(float), size=(3, 3, 1)).astype(np.uint8)
        b = np.clip(a.astype(int) + rng.integers(-12, 13, a.shape), 0, 255).astype(np.uint8)
        Image.fromarray(b).save(os.path.join(root, 'img/pred', f'p{i}.png'))
        Image.fromarray(a).save(os.path.join(root, 'img/gt', f'p{i}.png'))
        ps.append(peak_signal_noise_ratio(a, b, data_range=255))
        ss.append(structural_similarity(a.astype(float), b.astype(float), data_range=255, channel_axis=-1, gaussian_weights=True,
                                        sigma=1.5, use_sample_covariance=False))
    expected['img'] = {'psnr': float(np.mean(ps)), 'ssim': float(np.mean(ss)), 'perImagePsnr': ps, 'perImageSsim': ss}
    # Cityscapes layout: labelIds (8-bit) and instanceIds (16-bit) in gt/city, predictions X_leftImg8bit.png
    gt = np.array([[7, 7, 7, 26, 26, 26], [24, 24, 0, 0, 26, 26], [7, 7, 23, 23, 0, 9]], dtype=np.uint8)
    inst = np.array([[7, 7, 7, 26001, 26001, 26001], [24001, 24001, 0, 0, 26002, 26002], [7, 7, 23, 23, 0, 9]], dtype=np.uint16)
    pred = np.array([[26, 7, 8, 26, 26, 7], [24, 25, 26, 7, 26, 26], [9, 7, 23, 23, 23, 7]], dtype=np.uint8)
    Image.fromarray(gt, mode='L').save(os.path.join(root, 'cs/gt/city', 'city_000000_000019_gtFine_labelIds.png'))
    Image.fromarray(inst.astype(np.int32), mode='I').convert('I;16').save(os.path.join(root, 'cs/gt/city', 'city_000000_000019_gtFine_instanceIds.png'))
    Image.fromarray(pred, mode='L').save(os.path.join(root, 'cs/pred', 'city_000000_000019_leftImg8bit.png'))
    back = np.array(Image.open(os.path.join(root, 'cs/gt/city', 'city_000000_000019_gtFine_instanceIds.png')))
    assert np.array_equal(back, inst), back
    expected['cityscapes'] = {'gt': gt.ravel().tolist(), 'instances': inst.ravel().tolist(), 'pred': pred.ravel().tolist()}
    write('metrics_cli/expected.json', expected)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    write('metrics_images.json', image_fixtures())
    write('metrics_confusion.json', confusion_fixtures())
    write('metrics_fid.json', fid_fixtures())
    cli_fixtures()
    print('wrote metrics_images.json, metrics_confusion.json, metrics_fid.json, metrics_cli/')
