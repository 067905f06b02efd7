#!/usr/bin/env python3
"""Reference timings for bench/metrics.ts: SSIM with scikit-image and PyTorch (full 2-D
Gaussian conv, N threads), confusion matrix with numpy.bincount (the FCN fast_hist).
Reads the inputs bench/metrics.ts wrote to DIR; prints one JSON line.

usage: metrics_ref.py DIR H W C NPIX K THREADS
"""
import json
import sys
import time

import numpy as np


def best_ms(fn, reps):
    fn()
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def main():
    d, h, w, c, npix, k, threads = sys.argv[1], *map(int, sys.argv[2:8])
    a = np.fromfile(f'{d}/ssim_a.f32', dtype=np.float32).reshape(h, w, c)
    b = np.fromfile(f'{d}/ssim_b.f32', dtype=np.float32).reshape(h, w, c)
    out = {}

    from skimage.metrics import structural_similarity
    sk = lambda: structural_similarity(a, b, data_range=1.0, channel_axis=-1, gaussian_weights=True, sigma=1.5,  # noqa: E731
                                       use_sample_covariance=False)
    out['skimage_ssim'] = float(sk())
    out['skimage_ms'] = best_ms(sk, 2)

    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    x = torch.from_numpy(a).permute(2, 0, 1).unsqueeze(0).contiguous()
    y = torch.from_numpy(b).permute(2, 0, 1).unsqueeze(0).contiguous()
    g = torch.exp(-((torch.arange(11, dtype=torch.float32) - 5) ** 2) / (2 * 1.5 ** 2))
    g = g / g.sum()
    win = torch.outer(g, g).expand(c, 1, 11, 11).contiguous()

    def torch_ssim():
        with torch.no_grad():
            f = lambda t: F.conv2d(t, win, groups=c)  # noqa: E731
            mx, my = f(x), f(y)
            sxx = f(x * x) - mx * mx
            syy = f(y * y) - my * my
            sxy = f(x * y) - mx * my
            c1, c2 = 0.01 ** 2, 0.03 ** 2
            m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
            return float(m.mean())

    out['torch_ssim'] = torch_ssim()
    out['torch_ms'] = best_ms(torch_ssim, 3)

    t = np.fromfile(f'{d}/cm_t.u8', dtype=np.uint8)
    p = np.fromfile(f'{d}/cm_p.u8', dtype=np.uint8)
    assert t.size == npix

    def fast_hist():
        mask = (t >= 0) & (t < k)
        return np.bincount(k * t[mask].astype(int) + p[mask], minlength=k ** 2).reshape(k, k)

    hist = fast_hist()
    out['numpy_cm_ms'] = best_ms(fast_hist, 3)
    out['numpy_cm_diag'] = int(np.diag(hist).sum())
    out['numpy_cm_total'] = int(hist.sum())
    print(json.dumps(out))


if __name__ == '__main__':
    main()
