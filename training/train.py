"""Fine-tunes AnimeSegNet (MediaPipe selfie weights) on anime composites, on the CPU or a GPU.

  nice -n 10 /usr/bin/python3 training/train.py --run training/runs/main --steps 3000

On a GPU machine (--device cuda, or auto), the composites are still made on the CPU, by --workers
processes; training/gpu_run.sh is the prepared command for the device tool.

Seeded (weights init, data stream) and resumable: re-running the same command continues from
<run>/last.pt. Checkpoints every --ckpt-min minutes; <run>/best.pt keeps the best validation fg IoU.
Logs to <run>/log.jsonl (one JSON object per line) and stdout.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
from model import AnimeSegNet, count_params, load_mediapipe, load_net  # noqa: E402

# The MediaPipe selfie weights the net starts from (--init mediapipe): the first of the app's models
# folders (CUTOUT_MODELS_DIR, a list as the app reads it; only its first folder was looked in), then
# the shared models folder, that holds the file.
MEDIAPIPE_FILE = "portrait_selfie_segmentation_mediapipe_256x256.onnx"
_MODEL_DIRS = [d for d in os.environ.get("CUTOUT_MODELS_DIR", "").split(os.pathsep) if d] + [os.path.join(D.SHARED_DIR, "models")]
MEDIAPIPE = next((os.path.join(d, MEDIAPIPE_FILE) for d in _MODEL_DIRS if os.path.isfile(os.path.join(d, MEDIAPIPE_FILE))),
                 os.path.join(_MODEL_DIRS[0], MEDIAPIPE_FILE))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="run folder (checkpoints, log)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--size", type=int, default=256, help="training crop size (multiple of 16); the validation composites' size")
    p.add_argument("--sizes", default=None,
                   help="comma-separated crop sizes taken in turn, batch i at sizes[i %% n] (multi-scale training, e.g. 256,320: "
                        "the app runs the model at 320 and 256 px); default: --size")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--init", choices=["mediapipe", "scratch"], default="mediapipe")
    p.add_argument("--init-from", default=None, help="start from these weights, a checkpoint or an exported ONNX (a further stage; fresh optimiser and schedule)")
    p.add_argument("--extra", type=int, default=0, help="expansion channels added to each 1/16 block (at least; --init-from weights that are narrower are widened by model.widen_from, so the net starts as theirs)")
    p.add_argument("--recipe", choices=sorted(D.RECIPES), default="v1", help="composite recipe (training/data.py RECIPES)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=1, help="data worker processes")
    p.add_argument("--val-every", type=int, default=250)
    p.add_argument("--val-n", type=int, default=96)
    p.add_argument("--ckpt-min", type=float, default=4.0)
    p.add_argument("--deadline", default=None, help="UTC HH:MM: checkpoint and stop at this time")
    p.add_argument("--minutes", type=float, default=None,
                   help="checkpoint and stop after this many minutes of the run's processes, data loading and resumes included (like --deadline, relative; the LR decay follows it)")
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N, or auto (cuda when one is available)")
    p.add_argument("--max-batches", type=int, default=0, help="stop after this many steps in this process (smoke test)")
    p.add_argument("--data-dir", default=D.DATA_DIR)
    a = p.parse_args(argv)
    # Wrong values said as such before any work (0 divided by, an empty validation set, a loss of NaN
    # logged as done, a size the net cannot take: tracebacks, some after the run folder was made).
    for name in ("steps", "batch", "val_every", "val_n", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    if a.workers < 0:
        p.error(f"--workers must be 0 or more, got {a.workers}")
    if a.size <= 0 or a.size % AnimeSegNet.STRIDE:
        p.error(f"--size must be a positive multiple of {AnimeSegNet.STRIDE} (it is the validation composites' size too), got {a.size}")
    if a.deadline is not None and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", a.deadline):
        p.error(f"--deadline is a UTC time HH:MM, got {a.deadline!r}")
    if a.minutes is not None and not a.minutes > 0:
        p.error(f"--minutes must be more than 0, got {a.minutes}")
    if not a.lr >= 0:  # 0 trains nothing: a check of the kit (a widened net starts as the narrow one)
        p.error(f"--lr must be 0 or more, got {a.lr}")
    return a


# The settings a run is made of: a resume with other ones would go on as if they were its own (the
# checkpoint's saved settings overwritten), so it is refused. --steps, --minutes and --deadline may
# grow a run; --workers, --threads, --device and the checkpoint cadence do not change what it learns.
RUN_SETTINGS = ("batch", "size", "sizes", "lr", "warmup", "seed", "init", "extra", "recipe", "val_n", "data_dir")


def changed_settings(saved: dict, args) -> list:
    """The RUN_SETTINGS whose value in `args` differs from the checkpoint's (saved before them: none)."""
    now = vars(args)
    def same(k):
        a, b = saved.get(k), now.get(k)
        if k == "data_dir" and a and b:
            return os.path.realpath(a) == os.path.realpath(b)
        return a == b
    return [f"--{k.replace('_', '-')} {saved.get(k)} (now {now.get(k)})" for k in RUN_SETTINGS if k in saved and not same(k)]


class BatchStream(torch.utils.data.Dataset):
    """Batch i of the seeded composite stream (generated in a worker process)."""

    def __init__(self, part, sizes, batch, seed, start, stop, recipe="v1"):
        self.part, self.sizes, self.batch, self.seed, self.start, self.stop = part, sizes, batch, seed, start, stop
        self.recipe = recipe

    def __len__(self):
        return self.stop - self.start

    def __getitem__(self, i):
        index = self.start + i
        x, y = D.make_batch(self.part, self.sizes[index % len(self.sizes)], self.batch, self.seed, index, self.recipe)
        return torch.from_numpy(x), torch.from_numpy(y)


def seg_loss(logit: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """BCE on soft alpha, weighted x5 in a band around the outline, + soft IoU loss."""
    dil = F.max_pool2d(alpha, 7, 1, 3)
    ero = -F.max_pool2d(-alpha, 7, 1, 3)
    band = (dil - ero).clamp(0, 1)
    w = 1.0 + 4.0 * band
    bce = (F.binary_cross_entropy_with_logits(logit, alpha, reduction="none") * w).sum() / w.sum()
    p = torch.sigmoid(logit)
    inter = (p * alpha).sum(dim=(1, 2, 3))
    union = (p + alpha - p * alpha).sum(dim=(1, 2, 3))
    iou = 1.0 - (inter + 1.0) / (union + 1.0)
    return bce + 0.5 * iou.mean()


def lr_at(step: int, args, time_frac: float = 0.0) -> float:
    """Linear warm-up, then cosine decay to 1e-5 over max(step progress, wall-clock progress):
    with --deadline the schedule finishes its decay by the deadline even if fewer steps fit."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = max((step - args.warmup) / max(1, args.steps - args.warmup), time_frac)
    return 1e-5 + (args.lr - 1e-5) * 0.5 * (1.0 + math.cos(math.pi * min(1.0, t)))


@torch.no_grad()
def evaluate(model, val_x, val_y, bs=16):
    """fg IoU, bg IoU, mean IoU (binarised at 0.5) and MAE of the alpha over the fixed val set."""
    model.eval()
    device = next(model.parameters()).device
    inter = union = inter_b = union_b = 0.0
    mae = 0.0
    for i in range(0, len(val_x), bs):
        x = torch.from_numpy(val_x[i:i + bs]).to(device)
        y = torch.from_numpy(val_y[i:i + bs]).to(device)
        p = torch.sigmoid(model(x))
        pb, yb = p > 0.5, y > 0.5
        inter += (pb & yb).sum().item()
        union += (pb | yb).sum().item()
        inter_b += (~pb & ~yb).sum().item()
        union_b += (~pb | ~yb).sum().item()
        mae += (p - y).abs().sum().item()
    model.train()
    fg = inter / max(1, union)
    bgv = inter_b / max(1, union_b)
    return {"fg_iou": fg, "bg_iou": bgv, "mean_iou": (fg + bgv) / 2, "mae": mae / val_y.size}


def make_val(part, size, n, seed=999, recipe="v1"):
    xs, ys = [], []
    for i in range(0, n, 16):
        x, y = D.make_batch(part, size, min(16, n - i), seed, i // 16, recipe)
        xs.append(x)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def train_sizes(args) -> list[int]:
    """The crop size of each training batch in turn (--sizes, else --size), each a multiple of the stride."""
    sizes = [int(v) for v in args.sizes.split(",")] if args.sizes else [args.size]
    bad = [v for v in sizes if v <= 0 or v % AnimeSegNet.STRIDE]
    if bad:
        sys.exit(f"--sizes must be positive multiples of {AnimeSegNet.STRIDE}, got {bad}")
    return sizes


def pick_device(name: str) -> torch.device:
    """--device: 'auto' is cuda when one is available, else cpu; an explicit cuda without one is an error."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        sys.exit(f"--device {name}: no CUDA device is available to this torch")
    return torch.device(name)


def deadline_ts(hhmm, now=None):
    """--deadline HH:MM (UTC) as a time stamp: its next coming, so 00:30 said at 23:50 is in 40 minutes
    (it was 23 h 20 min ago, and the run stopped after one step)."""
    if not hhmm:
        return None
    h, m = map(int, hhmm.split(":"))
    now = time.time() if now is None else now
    t = time.gmtime(now)
    at = now + ((h * 60 + m) - (t.tm_hour * 60 + t.tm_min)) * 60 - t.tm_sec
    return at if at > now else at + 24 * 3600


def main(argv=None):
    args = parse_args(argv)
    sizes = train_sizes(args)
    device = pick_device(args.device)
    t_process = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    # What the run needs is checked before its folder is made (a missing set left a run folder and a traceback).
    dataset = D.load_dataset(args.data_dir)
    if not args.init_from and args.init == "mediapipe" and not os.path.isfile(MEDIAPIPE):
        sys.exit(f"--init mediapipe: the MediaPipe selfie weights are not at {MEDIAPIPE} (set CUTOUT_MODELS_DIR or CUTOUT_SHARED_DIR, or pass --init-from)")
    if args.init_from and not os.path.isfile(args.init_from):
        sys.exit(f"--init-from: no file at {args.init_from}")
    train_part, val_part = D.split(dataset, "train"), D.split(dataset, "val")
    if not val_part["fg"] and not val_part["bg"]:
        # A set with no held-out source (a test's tiny set): validated on training composites, said.
        print(f"train: {args.data_dir} holds none of the held-out sources (data.VAL_REPOS): validating on the training split", file=sys.stderr)
        val_part = train_part
    elif not val_part["fg"] or not val_part["bg"]:
        # Half a held-out split (its sprites, or its backgrounds, missing) was silently replaced by the
        # training split, and best.pt chosen on training composites.
        sys.exit(f"train: the held-out sources in {args.data_dir} give {len(val_part['fg'])} sprites and {len(val_part['bg'])} backgrounds: validation needs both")
    os.makedirs(args.run, exist_ok=True)
    log_f = open(os.path.join(args.run, "log.jsonl"), "a")

    def log(**kw):
        kw["t"] = round(time.time(), 1)
        print(json.dumps(kw), flush=True)
        log_f.write(json.dumps(kw) + "\n")
        log_f.flush()

    val_x, val_y = make_val(val_part, args.size, args.val_n, recipe=args.recipe)

    if args.init_from:  # a checkpoint, or the weights read back from a shipped ONNX file; maybe widened
        model = load_net(args.init_from, args.extra)
    else:
        model = AnimeSegNet(args.extra)
        if args.init == "mediapipe":
            if args.extra:
                sys.exit("--extra needs --init-from: the MediaPipe weights fit the narrow net only")
            load_mediapipe(model, MEDIAPIPE)
    model.to(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # a few fixed input shapes
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    resumed_deadline = None
    trained_before = 0.0  # seconds of training in the run before this process (--minutes)
    t_start = time.time()
    last = os.path.join(args.run, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location=device, weights_only=False)
        changed = changed_settings(ck.get("args", {}), args)
        if changed:
            sys.exit(f"train: {args.run} holds a run of other settings: {'; '.join(changed)}. Give another --run for a new run, "
                     f"or the run's own settings to go on with it")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck["best"]
        # best.pt can be newer than last.pt (a run stopped between the two saves): its score stands,
        # or the first validation after the resume wrote a worse model over it.
        best_path = os.path.join(args.run, "best.pt")
        if os.path.exists(best_path):
            best = max(best, torch.load(best_path, map_location="cpu", weights_only=False)["best"])
        t_start = ck.get("t_start", t_start)
        trained_before = ck.get("trained_s", 0.0)
        # The deadline the run had: run again after it, it stops at once (its next coming was taken,
        # a day on, and the LR went back up from its floor).
        if args.deadline and ck.get("args", {}).get("deadline") == args.deadline and ck.get("deadline_at"):
            resumed_deadline = ck["deadline_at"]
        log(event="resume", step=step, best=best)
    else:
        log(event="start", args=vars(args), device=str(device), params=count_params(model), extra=model.extra, train_fg=len(train_part["fg"]),
            train_bg=len(train_part["bg"]), val_fg=len(val_part["fg"]), val_bg=len(val_part["bg"]))
        log(event="val", step=0, **evaluate(model, val_x, val_y))

    def trained_s():
        # The run's processes' wall-clock time, data loading included (a device's time is counted so).
        return trained_before + (time.time() - t_process)

    def save(path):
        tmp = path + ".tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best": best, "t_start": t_start,
                    "trained_s": trained_s(), "deadline_at": stop_at, "args": vars(args)}, tmp)
        os.replace(tmp, path)

    if step >= args.steps:
        # Run again when done, or with fewer --steps than it has made: nothing to do (a loader of
        # negative length crashed), said as a stop.
        log(event="stop", step=step, reason="done", best=best)
        return 0
    stream = BatchStream(train_part, sizes, args.batch, args.seed, step, args.steps, args.recipe)
    extra = {"prefetch_factor": 2} if args.workers else {}
    loader = torch.utils.data.DataLoader(stream, batch_size=None, shuffle=False, num_workers=args.workers,
                                         pin_memory=device.type == "cuda", **extra)
    stop_at = resumed_deadline or deadline_ts(args.deadline)

    def time_frac():
        # The share of the run's time used: its training time of --minutes (a resume goes on from
        # where the run stopped: the decay had restarted from the new process's start, the LR back
        # up from its floor to 4e-4), or its clock time up to --deadline, whichever is further on.
        frac = 0.0 if stop_at is None else (time.time() - t_start) / max(1.0, stop_at - t_start)
        return frac if args.minutes is None else max(frac, trained_s() / max(1.0, args.minutes * 60))
    if time_frac() >= 1:
        log(event="stop", step=step, reason="deadline", best=best)
        return 0
    t_ck = time.time()
    # The train loss is the mean of the steps since the last line (the first line after a resume
    # has fewer than 25, and was divided by 25: 3.1 where the run without a stop read 29.3).
    t0, n0, run_loss, n_loss = time.time(), 0, 0.0, 0
    start_weights = [p.detach().clone() for p in model.parameters()]
    model.train()
    for x, y in loader:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args, time_frac())
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        loss = seg_loss(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        n0 += 1
        last_loss = loss.item()
        run_loss += last_loss
        n_loss += 1
        if step % 25 == 0:
            log(event="train", step=step, loss=round(run_loss / n_loss, 4), lr=round(lr_at(step, args, time_frac()), 6),
                s_per_step=round((time.time() - t0) / n0, 3))
            run_loss, n_loss = 0.0, 0
        done = step >= args.steps
        timeout = (stop_at is not None or args.minutes is not None) and time_frac() >= 1
        smoke = args.max_batches and n0 >= args.max_batches
        if step % args.val_every == 0 or done or timeout:
            r = evaluate(model, val_x, val_y)
            log(event="val", step=step, **r)
            if r["fg_iou"] > best:
                best = r["fg_iou"]
                save(os.path.join(args.run, "best.pt"))
        if time.time() - t_ck > args.ckpt_min * 60 or done or timeout or smoke:
            save(last)
            t_ck = time.time()
        if done or timeout or smoke:
            # The last step's loss and how far the weights moved in this process: a smoke run's proof
            # that it trained (a NaN loss, or no optimiser step, stopped as cleanly).
            moved = sum(float((p.detach() - w).abs().sum()) for p, w in zip(model.parameters(), start_weights))
            log(event="stop", step=step, reason="done" if done else "deadline" if timeout else "max-batches", best=best,
                loss=round(last_loss, 6), moved=moved)
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
