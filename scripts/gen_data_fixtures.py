"""Reference values for test/data_*.test.ts (run with /usr/bin/python3; writes test/fixtures/data_reference.json).

- gaussian blur: scipy.ndimage.gaussian_filter(mode='reflect', truncate=3) per channel
- Frechet distance: the pytorch-fid formula with scipy.linalg.sqrtm, float64
"""
import json
import os

import numpy as np
from scipy import linalg
from scipy.ndimage import gaussian_filter

rng = np.random.default_rng(7)
out = {}

img = rng.random((9, 11, 3)).astype(np.float32)
blur = {}
for sigma in (1.2, 2.5):
    b = np.stack([gaussian_filter(img[..., c].astype(np.float64), sigma, mode='reflect', truncate=3.0) for c in range(3)], -1)
    blur[str(sigma)] = b.ravel().tolist()
out['blur'] = {'image': img.ravel().tolist(), 'shape': list(img.shape), 'sigmas': blur}

def fid(mu1, s1, mu2, s2):
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    d = mu1 - mu2
    return float(d.dot(d) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))

D = 5
ref = rng.normal(size=(200, D)) @ rng.normal(size=(D, D))
mu_r = ref.mean(0)
cov_r = np.cov(ref, rowvar=False)
cands = []
for k in range(4):
    x = rng.normal(size=(30, D)) @ rng.normal(size=(D, D)) * (0.5 + k * 0.5) + k * 0.3
    cands.append({'data': x.ravel().tolist(), 'shape': [30, D], 'fid': fid(x.mean(0), np.cov(x, rowvar=False), mu_r, cov_r)})
out['fid'] = {'mean': mu_r.tolist(), 'cov': cov_r.ravel().tolist(), 'candidates': cands}

path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'data_reference.json')
with open(path, 'w') as f:
    json.dump(out, f)
print(json.dumps({'written': path}))
