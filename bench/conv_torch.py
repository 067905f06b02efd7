"""PyTorch CPU reference timings for bench/conv.ts (2 threads, float32).

Prints one JSON object: {case_name: {"forward_ms", "backward_ms"}}; backward
is input + filter gradient together, as autograd computes them.
"""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)

CASES = [
    # name, transposed, N, H, W, Cin, Cout, k, stride, pad
    ("conv k4 s2 3->64 1x256x256", False, 1, 256, 256, 3, 64, 4, 2, 1),
    ("conv k3 s1 64->64 4x128x128", False, 4, 128, 128, 64, 64, 3, 1, 1),
    ("conv k4 s2 256->512 1x32x32", False, 1, 32, 32, 256, 512, 4, 2, 1),
    ("convT k4 s2 512->256 1x16x16", True, 1, 16, 16, 512, 256, 4, 2, 1),
]


def timeit(fn, reps):
    fn()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


out = {}
for name, transposed, n, h, w, cin, cout, k, s, p in CASES:
    x = torch.randn(n, cin, h, w, requires_grad=True)
    if transposed:
        layer = torch.nn.ConvTranspose2d(cin, cout, k, s, p, bias=False)
    else:
        layer = torch.nn.Conv2d(cin, cout, k, s, p, bias=False)
    y = layer(x)
    g = torch.randn_like(y)

    def fwd():
        with torch.no_grad():
            layer(x)

    def bwd():
        x.grad = None
        layer.weight.grad = None
        yy = layer(x)
        yy.backward(g)

    f = timeit(fwd, 5)
    fb = timeit(bwd, 5)
    out[name] = {"forward_ms": f, "backward_ms": max(fb - f, 0.0)}
print(json.dumps(out))
