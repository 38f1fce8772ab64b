#!/usr/bin/python3
"""Writes the PyTorch reference values LrScheduleTest and AdamWTest compare against.

Made once with PyTorch 1.13 (Debian python3-torch) by:
    /usr/bin/python3 src/test/resources/dev/fashion/optim/make_pytorch_reference.py src/test/resources/dev/fashion/optim
Outputs: lr_schedules.csv (case,step,lr: the learning rate PyTorch's scheduler gives step `step`, stepped
once per batch as recipes_pytorch.py does) and adamw.csv (case,step,index,param after that step).
"""
import math
import os
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
out = sys.argv[1]


def lrs(make, total, lr):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([p], lr=lr)
    sched = make(opt)
    values = []
    for _ in range(total):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return values


S = torch.optim.lr_scheduler
cases = {
    # name: (steps_per_epoch, epochs, base lr, factory)
    "one_cycle_recipe": (469, 24, 2e-3, lambda o, t: S.OneCycleLR(o, max_lr=2e-3, total_steps=t, pct_start=0.1,
                                                               anneal_strategy="cos", cycle_momentum=False,
                                                               div_factor=25.0, final_div_factor=1e4)),
    "one_cycle_small": (7, 3, 0.1, lambda o, t: S.OneCycleLR(o, max_lr=0.1, total_steps=t, pct_start=0.3,
                                                           anneal_strategy="cos", cycle_momentum=False,
                                                           div_factor=10.0, final_div_factor=100.0)),
    "step": (5, 7, 0.5, lambda o, t: S.StepLR(o, step_size=2 * 5, gamma=0.3)),
    "cosine_warmup": (10, 6, 0.01, lambda o, t: S.SequentialLR(o, [
        S.LinearLR(o, start_factor=0.05, end_factor=1.0, total_iters=15),
        S.CosineAnnealingLR(o, T_max=t - 15, eta_min=1e-4)], milestones=[15])),
    "cosine": (10, 4, 0.01, lambda o, t: S.CosineAnnealingLR(o, T_max=t, eta_min=0.0)),
}
with open(os.path.join(out, "lr_schedules.csv"), "w") as f:
    f.write("case,step,lr\n")
    for name, (spe, epochs, lr, make) in cases.items():
        total = spe * epochs
        values = lrs(lambda o: make(o, total), total, lr)
        for t, v in enumerate(values):
            if name == "one_cycle_recipe" and not (t % 37 == 0 or t < 3 or abs(t - 1125) < 3 or t > total - 3):
                continue
            f.write(f"{name},{t},{v!r}\n")

# AdamW: 6 steps on 37 weights with fixed gradients, lr changing per step as a schedule would.
with open(os.path.join(out, "adamw.csv"), "w") as f:
    f.write("case,step,index,value\n")
    for name, wd in (("adamw_wd0.05", 0.05), ("adamw_wd0", 0.0)):
        w0 = torch.tensor([math.sin(0.7 * i + 0.3) for i in range(37)], dtype=torch.float32)
        p = torch.nn.Parameter(w0.clone())
        opt = torch.optim.AdamW([p], lr=3e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
        for s in range(6):
            opt.param_groups[0]["lr"] = 3e-3 * (1 + s) / 6
            p.grad = torch.tensor([math.cos(1.3 * i * (s + 1)) * 0.1 for i in range(37)], dtype=torch.float32)
            opt.step()
            for i, v in enumerate(p.detach().tolist()):
                f.write(f"{name},{s + 1},{i},{v!r}\n")
