"""Anime composite data: loads /work/shared/train/anime once into RAM (cached as a pickle under
training/data-cache/) and synthesises training samples on the fly (the skytnt/anime-segmentation
recipe): background crop + 0-3 characters at random scale/position/flip/rotation, partial crops at
the border, occluders, colour jitter, blur, noise, JPEG artefacts, grey/flat-colour styles.

Every batch is a pure function of (seed, batch index), so training is reproducible and resumable.
The validation split holds out whole source repositories (VAL_REPOS), for fg and bg alike.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import pickle
from collections import defaultdict

import numpy as np
from PIL import Image, ImageFilter, ImageDraw

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ../shared beside the checkout, or CUTOUT_SHARED_DIR (as the app's tests find it).
SHARED_DIR = os.path.abspath(os.environ.get("CUTOUT_SHARED_DIR") or os.path.join(REPO_ROOT, "..", "shared"))
DATA_DIR = os.environ.get("ANIME_TRAIN_DIR") or os.path.join(SHARED_DIR, "train", "anime")
CACHE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data-cache")
# Sets of fewer files decode in moments: not cached (a test's tiny set would leave a pickle each run).
CACHE_MIN_FILES = 200

# Held-out source repositories (validation only): 8 repositories with sprites (108 sprites; one of
# them, gatyauso, also gives backgrounds) and the backgrounds of those that have them, plus one
# background-only repository (Volcomix): 60 backgrounds.
VAL_REPOS = {
    "fuki-tea/ts-detective",
    "ddemilich/jingaroho",
    "KazaHayaR/Vendetta",
    "Am000zing/Witch-Dating-Sim",
    "bug-slayers-N/JB_JINRO",
    "messiessie/surkea",
    "Hime-Tan-Productions/spooktober2024",
    "TOY-men/gatyauso",
    "Volcomix/virtual-background",
}


def character_of(row: dict) -> str:
    """A sprite's character, by which the sprites are grouped: repo/character (the file when unnamed)."""
    return row["repo"] + "/" + (row["character"] or row["file"])


def load_dataset(data_dir: str = DATA_DIR):
    """Returns {'fg': [...], 'bg': [...]}: fg items {rgba uint8 HxWx4, repo, char, bottom_cut},
    bg items {rgb uint8, repo}. A set of CACHE_MIN_FILES or more is cached after the first decode,
    under a name made of its folder and its manifest's size and time: another folder, or the set
    changed, is decoded again (one cache name for every folder gave a set the files of another)."""
    manifest = os.path.join(data_dir, "manifest.csv")
    if not os.path.isfile(manifest):
        raise SystemExit(f"no training set in {data_dir}: it has no manifest.csv (pass --data-dir, or set ANIME_TRAIN_DIR or CUTOUT_SHARED_DIR)")
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"file", "kind", "repo"} <= set(rows[0]):
        raise SystemExit(f"{manifest} is not a training set's manifest (it has no file, kind and repo columns)")
    info = os.stat(manifest)
    key = hashlib.sha256(f"{os.path.realpath(data_dir)}|{info.st_size}|{info.st_mtime_ns}".encode()).hexdigest()[:16]
    cache = os.path.join(CACHE_DIR, f"anime-v3-{key}.pkl")
    use_cache = len(rows) >= CACHE_MIN_FILES
    if use_cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    fg, bg = [], []
    for row in rows:
        path = os.path.join(data_dir, row["file"])
        if row["kind"] == "fg":
            im = Image.open(path).convert("RGBA")
            cut = row["transform"].split("cut at original canvas edge:")[-1] if "cut at original canvas edge:" in row["transform"] else ""
            fg.append({
                "rgba": np.asarray(im, dtype=np.uint8).copy(),
                "repo": row["repo"],
                "char": character_of(row),
                "cut": "".join(c for c in cut.split(";")[0].split(",")[0] if c in "TBLR"),
                "file": row["file"],
            })
        else:
            im = Image.open(path).convert("RGB")
            bg.append({"rgb": np.asarray(im, dtype=np.uint8).copy(), "repo": row["repo"], "file": row["file"]})
    data = {"fg": fg, "bg": bg}
    if use_cache:
        os.makedirs(CACHE_DIR, exist_ok=True)
        with open(cache + ".tmp", "wb") as f:
            pickle.dump(data, f, protocol=4)
        os.replace(cache + ".tmp", cache)
    return data


# Files left out although the set lists them: a game logo ("rogo.png") that passed the set's hand review
# as a character sprite.
EXCLUDE = {"fg/camplus_5.png"}


def split(data, part: str):
    """part 'train' or 'val': fg/bg lists of that split, fg grouped by character."""
    keep = (lambda r: r in VAL_REPOS) if part == "val" else (lambda r: r not in VAL_REPOS)
    fg = [x for x in data["fg"] if keep(x["repo"]) and x["file"] not in EXCLUDE]
    bg = [x for x in data["bg"] if keep(x["repo"])]
    groups = defaultdict(list)
    for i, x in enumerate(fg):
        groups[x["char"]].append(i)
    return {"fg": fg, "bg": bg, "groups": list(groups.values())}


# ---------------------------------------------------------------------------------------------
# compositing

def _jitter_rgb(img: np.ndarray, rng, strength: float) -> np.ndarray:
    """Brightness/contrast/saturation/hue-ish jitter on float RGB 0..1 (HxWx3)."""
    x = img
    b = 1.0 + rng.uniform(-0.25, 0.25) * strength
    c = 1.0 + rng.uniform(-0.25, 0.25) * strength
    s = 1.0 + rng.uniform(-0.35, 0.35) * strength
    mean = x.mean()
    x = (x - mean) * c + mean
    x = x * b
    grey = x.mean(axis=2, keepdims=True)
    x = grey + (x - grey) * s
    if rng.random() < 0.5 * strength:  # channel mixing ~ hue / colour temperature shift
        m = np.eye(3, dtype=np.float32) + rng.uniform(-0.08, 0.08, (3, 3)).astype(np.float32) * strength
        x = x @ m.T
    return np.clip(x, 0.0, 1.0)


def _bg_crop(bg: np.ndarray, S: int, rng) -> np.ndarray:
    h, w = bg.shape[:2]
    area = rng.uniform(0.3, 1.0) * h * w
    ar = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    cw = int(min(w, round(np.sqrt(area * ar))))
    ch = int(min(h, round(np.sqrt(area / ar))))
    x0 = rng.integers(0, w - cw + 1)
    y0 = rng.integers(0, h - ch + 1)
    im = Image.fromarray(bg[y0:y0 + ch, x0:x0 + cw]).resize((S, S), Image.BILINEAR)
    if rng.random() < 0.5:
        im = im.transpose(Image.FLIP_LEFT_RIGHT)
    if rng.random() < 0.25:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 3.0)))
    return np.asarray(im, dtype=np.float32) / 255.0


# Recipes: how often a sprite is normal / a close-up / small, the close-up scale range, and the share
# of pure-scenery samples. v1 trained stage 1; v2 (stage 2) has more frame-filling close-ups and more
# scenery-only frames, where the shipped model kept scenery on real clips.
#
# v3 adds what the AI close-up clips showed and v2 missed:
#   * "shot" samples (closeup_shot): a head-and-shoulders to half-body view of one or two sprites that
#     fills the frame. The composite is made at a smaller canvas where the sprite is resampled by at
#     most MAX_UPSCALE and then enlarged to the training size as a whole, so character and scenery are
#     equally sharp. v2 enlarged only the sprite (up to ~1.7x at 256 px, ~4x at 640 px) over a sharp
#     background, which teaches "soft = character", the opposite of a real close-up.
#   * depth of field (dof): the scenery is blurred before the characters go in, as in most AI and
#     cinematic close-ups, sometimes with bokeh discs (bright soft circles: lamps, sun glints);
#   * colour-matched scenery (tint): the background's mean colour is moved towards the character's,
#     so colour difference alone (pink hair on pink blossom) stops being a cue.
RECIPES = {
    "v1": {"normal": 0.65, "closeup": 0.25, "closeup_h": (1.1, 2.4), "empty": 0.05},
    "v2": {"normal": 0.45, "closeup": 0.42, "closeup_h": (1.1, 3.2), "empty": 0.12, "closeup_head_top": 0.7},
    "v3": {"normal": 0.65, "closeup": 0.25, "closeup_h": (1.1, 2.4), "empty": 0.08,
           "closeup_shot": 0.35, "dof": 0.3, "bokeh": 0.2, "tint": 0.15},
}
RECIPES["v4"] = {**RECIPES["v3"], "sketch": 0.08}  # v3 plus line-art / sepia sketch frames
# v5: more and tighter frame-filling shots (down to the head and shoulders of a full-body sprite),
# and two looks of AI / cinematic frames over the whole image: glow (bloom) and grain (film grain
# or a fine print-dot pattern).
RECIPES["v5"] = {**RECIPES["v4"], "closeup_shot": 0.45, "shot_visible": (0.16, 0.65), "shot_min_width": 0.6,
                 "glow": 0.12, "grain": 0.12}
# v6: a shape in front of a character is no longer always scenery. Held props (signs, books, cups:
# _prop) join the character in 20 % of the frames with characters; scenery occluders come in from a
# side of the frame.
RECIPES["v6"] = {**RECIPES["v5"], "prop": 0.2, "edge_occluders": True}
# v7: what the AI close-up clips that still failed (stage 6) show and the composites lacked:
#   * strokes: painted brush strokes in the scenery (curved, tapered, saturated, sometimes in the
#     character's colours), the stylised poster backgrounds of AI art, drawn before the characters go in;
#   * film: a photographic look over the whole frame (vignette, lifted and tinted blacks, a light haze
#     coming from one side), characters included;
#   * palette: the frame stored as a GIF (32..256 colours, Floyd-Steinberg or no dithering) instead of a
#     JPEG, as the clips and most sticker sources are.
RECIPES["v7"] = {**RECIPES["v6"], "strokes": 0.15, "film": 0.15, "palette": 0.15}
# v8: characters drawn without an outline (lineless, 30 % of sprites). Every sprite in the training set
# is line art with a dark contour, so "a dark line all round" is a cue the composites always give and
# painterly AI frames often do not (model02_04's girl, model01_01's jacket): there the colours inside
# the contour are carried out to the alpha edge.
RECIPES["v8"] = {**RECIPES["v7"], "lineless": 0.3}
# The composite stream that held-out scores use (eval_val.py, make_heldout_set.py): the same composites.
HELDOUT_SEED = 4242
MAX_UPSCALE = 1.2


def _transform_sprite(rgba: np.ndarray, scale: float, rng, rotate: tuple, jitter: tuple, lineless: float = 0.0):
    """Resampled (premultiplied), maybe mirrored, rotated (probability, max degrees), colour-jittered
    (probability, strength) and, with probability `lineless` (recipe v8), stripped of its contour line:
    (premultiplied rgb float HxWx3, alpha float HxW). Without `lineless` nothing more is drawn from rng."""
    h, w = rgba.shape[:2]
    nw, nh = max(2, int(round(w * scale))), max(2, int(round(h * scale)))
    im = Image.fromarray(rgba, "RGBA").convert("RGBa")  # premultiplied: resample colour and alpha together
    im = im.resize((nw, nh), Image.BILINEAR if scale > 0.6 else Image.BOX)
    if rng.random() < 0.5:
        im = im.transpose(Image.FLIP_LEFT_RIGHT)
    if rng.random() < rotate[0]:
        im = im.rotate(rng.uniform(-rotate[1], rotate[1]), resample=Image.BILINEAR, expand=True)
    arr = np.asarray(im, dtype=np.float32) / 255.0
    a = arr[..., 3]
    rgb = arr[..., :3]
    # colour jitter of the character itself (on straight colour, then re-premultiplied)
    if rng.random() < jitter[0]:
        straight = np.where(a[..., None] > 1e-3, rgb / np.maximum(a[..., None], 1e-3), 0.0)
        rgb = _jitter_rgb(np.clip(straight, 0, 1), rng, jitter[1]) * a[..., None]
    if lineless and rng.random() < lineless:
        rgb = _lineless(rgb, a, rng)
    return rgb, a


def _shift(a: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """a moved by (dy, dx) pixels, zero-filled (no wrap-around)."""
    out = np.zeros_like(a)
    h, w = a.shape[:2]
    out[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = a[max(0, -dy):h + min(0, -dy), max(0, -dx):w + min(0, -dx)]
    return out


def _lineless(rgb: np.ndarray, a: np.ndarray, rng) -> np.ndarray:
    """The sprite without its contour line (recipe v8): the straight colours of the pixels within d
    (1..3) px of the alpha edge are replaced by the colours just inside, grown outward one pixel per
    pass. Alpha is untouched; rgb is premultiplied in and out. Parts thinner than the band (a hair
    strand) keep their colours."""
    d = int(rng.integers(1, 4))
    solid = Image.fromarray(((a > 0.98) * 255).astype(np.uint8)).filter(ImageFilter.MinFilter(2 * d + 1))
    known = (np.asarray(solid) > 0).astype(np.float32)
    if known.sum() < 16:
        return rgb
    straight = np.where(a[..., None] > 1e-3, rgb / np.maximum(a[..., None], 1e-3), 0.0)
    col = straight * known[..., None]
    band = (a > 1e-3) & (known == 0)
    for _ in range(d + 3):
        total = sum(_shift(col, dy, dx) for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)))
        count = sum(_shift(known, dy, dx) for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)))
        grow = (known == 0) & (count > 0)
        col[grow] = total[grow] / count[grow][:, None]
        known[grow] = 1.0
    fill = band & (known > 0)
    straight[fill] = col[fill]
    return np.clip(straight, 0.0, 1.0) * a[..., None]


def _place_fg(item, S: int, rng, recipe: str = "v1"):
    """Returns (premultiplied rgb float HxWx3, alpha float HxW, x, y) of a transformed sprite."""
    rc = RECIPES[recipe]
    rgba = item["rgba"]
    h, w = rgba.shape[:2]
    r = rng.random()
    closeup = rc["normal"] <= r < rc["normal"] + rc["closeup"]
    if r < rc["normal"]:
        target_h = rng.uniform(0.4, 1.1) * S
    elif closeup:
        target_h = rng.uniform(*rc["closeup_h"]) * S  # close-up: part of the character leaves the frame
    else:
        target_h = rng.uniform(0.2, 0.4) * S  # small, distant
    rgb, a = _transform_sprite(rgba, target_h / h, rng, rotate=(0.5, 12.0), jitter=(0.8, 1.0), lineless=rc.get("lineless", 0.0))
    nh, nw = a.shape
    # position: bottom-cut sprites keep their cut edge outside the frame
    cut = item["cut"]
    x = int(rng.integers(-nw // 2, S - nw // 2 + 1)) if nw < 2 * S else int(rng.integers(S - nw, 1))
    if "L" in cut and "R" not in cut and rng.random() < 0.8:
        x = -int(rng.integers(0, max(1, nw // 8)))  # cut left edge leaves the frame
    elif "R" in cut and "L" not in cut and rng.random() < 0.8:
        x = S - nw + int(rng.integers(0, max(1, nw // 8)))
    if closeup and "closeup_head_top" in rc and rng.random() < rc["closeup_head_top"]:  # (v1 draws nothing here)
        y = -int(rng.uniform(0.0, 0.25) * nh)  # head and shoulders fill the frame, the body leaves it at the bottom
    elif "B" in cut or rng.random() < 0.4:
        y = S - nh + int(rng.integers(0, max(1, nh // 6)))  # feet / cut edge at or below the bottom
    else:
        y = int(rng.integers(-nh // 3, max(-nh // 3 + 1, S - nh // 2)))
    return rgb, a, x, y


def _paste(canvas: np.ndarray, mask: np.ndarray, rgb: np.ndarray, a: np.ndarray, x: int, y: int):
    S_h, S_w = mask.shape
    h, w = a.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(S_w, x + w), min(S_h, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    sa = a[y0 - y:y1 - y, x0 - x:x1 - x]
    srgb = rgb[y0 - y:y1 - y, x0 - x:x1 - x]
    canvas[y0:y1, x0:x1] = srgb + (1.0 - sa[..., None]) * canvas[y0:y1, x0:x1]
    mask[y0:y1, x0:x1] = sa + (1.0 - sa) * mask[y0:y1, x0:x1]


def _occluder(canvas, mask, part, S, rng, edge: bool = False):
    """A random polygon of another background (or flat colour) in front: removes alpha under it.
    With `edge` (v6) it comes in from a side of the frame, as scenery in front does (a table, a
    railing, grass, a branch); a shape floating over the body is a held prop there (_prop)."""
    poly = Image.new("L", (S, S), 0)
    cx, cy = rng.uniform(0, S), rng.uniform(S * 0.2, S)
    rad = rng.uniform(0.08, 0.35) * S
    if edge:
        side, off = int(rng.integers(4)), rng.uniform(-0.3, 0.6) * rad  # centre near a side, inside or out
        cx, cy = ((S + off, cy), (-off, cy), (cx, S + off), (cx, -off))[side]  # right, left, bottom, top
    n = int(rng.integers(3, 8))
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    pts = [(cx + rad * rng.uniform(0.5, 1.2) * np.cos(t), cy + rad * rng.uniform(0.5, 1.2) * np.sin(t)) for t in ang]
    ImageDraw.Draw(poly).polygon(pts, fill=255)
    if edge:  # filled out to its side: a desk or bush rises from the bottom, a branch hangs from the top
        p = np.asarray(poly) > 127
        flip = (lambda q: q[:, ::-1]) if side == 1 else (lambda q: q[::-1]) if side == 3 else (lambda q: q)
        p = flip(np.maximum.accumulate(flip(p), axis=1 if side < 2 else 0))
        poly = Image.fromarray(p.astype(np.uint8) * 255)
    poly = poly.filter(ImageFilter.GaussianBlur(0.7))
    o = np.asarray(poly, dtype=np.float32)[..., None] / 255.0
    if rng.random() < 0.5:
        tex = _bg_crop(part["bg"][rng.integers(len(part["bg"]))]["rgb"], S, rng)
    else:
        tex = np.ones((S, S, 3), np.float32) * rng.uniform(0, 1, 3).astype(np.float32)
    canvas[:] = o * tex + (1 - o) * canvas
    mask[:] = mask * (1 - o[..., 0])


def _prop(canvas, mask, part, S, rng) -> None:
    """A held object in front of a character (a sign, book, board, cup, ball, fan...), which belongs
    to the character: it joins the alpha. Drawn like an anime object: a flat light or random colour
    or a picture (another background), a shading gradient or a cel-shading step, mostly a dark outline,
    sometimes two hands holding it. It is centred on a point of the character's body and may reach
    past the silhouette (a sign held out in front). v1..v5 have no props: there a shape in front of a
    character was always scenery, which taught the model to cut held things out (a clip's sign)."""
    ys, xs = np.nonzero(mask > 0.5)
    if len(ys) < 64:
        return
    i = int(rng.integers(len(ys)))
    cx, cy = float(xs[i]), float(ys[i])
    w = min(rng.uniform(0.25, 0.9) * (xs.max() - xs.min() + 1), 0.7 * S)
    h = min(w * np.exp(rng.uniform(np.log(0.4), np.log(1.6))), 0.7 * S)
    t = np.deg2rad(rng.uniform(-20, 20))
    kind = rng.random()
    if kind < 0.5:  # rectangle: sign, board, book, phone
        corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    elif kind < 0.75:  # ellipse: cup seen from the side, ball, plate, fan
        corners = [(w / 2 * np.cos(u), h / 2 * np.sin(u)) for u in np.linspace(0, 2 * np.pi, 40, endpoint=False)]
    else:  # irregular: bouquet, plush, bag
        n = int(rng.integers(5, 9))
        corners = [(w / 2 * rng.uniform(0.6, 1.0) * np.cos(u), h / 2 * rng.uniform(0.6, 1.0) * np.sin(u))
                   for u in np.sort(rng.uniform(0, 2 * np.pi, n))]
    pts = [(cx + x * np.cos(t) - y * np.sin(t), cy + x * np.sin(t) + y * np.cos(t)) for x, y in corners]
    shape = Image.new("L", (S, S), 0)
    ImageDraw.Draw(shape).polygon(pts, fill=255)
    if rng.random() < 0.5:  # hands at the two sides (skin tones from pale to tan)
        skin = np.array([rng.uniform(0.85, 1.0), rng.uniform(0.7, 0.9), rng.uniform(0.6, 0.8)], np.float32)
        hands = Image.new("L", (S, S), 0)
        r = max(2.0, rng.uniform(0.06, 0.12) * w)
        for sx in (-1, 1):
            hx, hy = cx + sx * w / 2 * np.cos(t), cy + sx * w / 2 * np.sin(t)
            ImageDraw.Draw(hands).ellipse([hx - r, hy - r * 1.3, hx + r, hy + r * 1.3], fill=255)
    else:
        hands = None
    o = np.asarray(shape.filter(ImageFilter.GaussianBlur(0.6)), np.float32)[..., None] / 255.0
    if rng.random() < 0.35:
        fill = _bg_crop(part["bg"][rng.integers(len(part["bg"]))]["rgb"], S, rng)
    elif rng.random() < 0.5:
        fill = np.ones((S, S, 3), np.float32) * rng.uniform(0.75, 1.0, 3).astype(np.float32)  # paper, card
    else:
        fill = np.ones((S, S, 3), np.float32) * rng.uniform(0, 1, 3).astype(np.float32)
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
    d = rng.uniform(0, 2 * np.pi)
    g = ((xx - cx) * np.cos(d) + (yy - cy) * np.sin(d)) / max(w, h) + 0.5  # 0..1 across the prop
    if rng.random() < 0.5:
        g = (g > rng.uniform(0.5, 0.8)).astype(np.float32)  # cel shading: one shadow step
    fill = fill * (1.0 - rng.uniform(0.0, 0.35) * np.clip(g, 0, 1))[..., None]
    if rng.random() < 0.7:  # line art
        edge = Image.new("L", (S, S), 0)
        ImageDraw.Draw(edge).line(pts + pts[:1], fill=255, width=max(1, int(round(rng.uniform(0.004, 0.012) * S))))
        e = np.asarray(edge.filter(ImageFilter.GaussianBlur(0.5)), np.float32)[..., None] / 255.0
        fill = fill * (1 - e) + e * rng.uniform(0.05, 0.3)
        o = np.maximum(o, e)
    if hands is not None:
        hm = np.asarray(hands.filter(ImageFilter.GaussianBlur(0.6)), np.float32)[..., None] / 255.0
        fill = fill * (1 - hm) + hm * skin
        o = np.maximum(o, hm)
    canvas[:] = o * fill + (1 - o) * canvas
    mask[:] = o[..., 0] + (1 - o[..., 0]) * mask


def _sketch(img: np.ndarray, rng, mask: np.ndarray) -> np.ndarray:
    """Pencil / line-art version of a composite on paper: dark lines from a difference of Gaussians
    of the luminance, ink of a dark warm grey, paper of a light beige, sometimes a faint colour wash
    (the sepia sketch title cards of visual novels). Half of them draw the characters alone on blank
    paper (no scenery lines)."""
    lum = Image.fromarray((img.mean(axis=2) * 255 + 0.5).astype(np.uint8))
    s1 = rng.uniform(0.5, 1.2) * img.shape[0] / 256
    b1 = np.asarray(lum.filter(ImageFilter.GaussianBlur(s1)), np.float32) / 255.0
    b2 = np.asarray(lum.filter(ImageFilter.GaussianBlur(s1 * rng.uniform(1.6, 3.0))), np.float32) / 255.0
    line = np.clip((b2 - b1) * rng.uniform(6.0, 20.0), 0.0, 1.0)[..., None] * rng.uniform(0.5, 1.0)
    if rng.random() < 0.5:
        near = Image.fromarray((mask * 255 + 0.5).astype(np.uint8)).filter(ImageFilter.MaxFilter(5))
        line = line * (np.asarray(near, np.float32)[..., None] / 255.0)
    paper = np.array([rng.uniform(0.93, 1.0), rng.uniform(0.87, 0.97), rng.uniform(0.72, 0.92)], np.float32)
    paper = paper * (1.0 + rng.normal(0, 0.015, img.shape[:2] + (1,)).astype(np.float32))
    ink = np.array([rng.uniform(0.15, 0.45)] * 3, np.float32) * np.array([1.0, 0.9, 0.8], np.float32)
    out = paper * (1.0 - line) + ink * line
    if rng.random() < 0.5:
        wash = rng.uniform(0.1, 0.4)
        out = out * ((1.0 - wash) + wash * (0.5 + 0.5 * img))
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _glow(img: np.ndarray, rng) -> np.ndarray:
    """Bloom: a blurred copy of the bright parts screen-blended over the frame, characters included."""
    S = img.shape[0]
    bright = np.clip((img - rng.uniform(0.4, 0.75)) * 2.5, 0.0, 1.0)
    im = Image.fromarray((bright * 255 + 0.5).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.02, 0.08) * S))
    add = np.asarray(im, np.float32) / 255.0 * rng.uniform(0.3, 0.9)
    return (1.0 - (1.0 - img) * (1.0 - add)).astype(np.float32)


def _grain(img: np.ndarray, rng) -> np.ndarray:
    """Film grain (noise of one to two pixels) or a fine print-dot pattern over the whole frame."""
    h, w = img.shape[:2]
    if rng.random() < 0.5:
        cell = rng.uniform(1.0, 2.0)
        small = rng.normal(0, 1, (max(2, int(h / cell)), max(2, int(w / cell)))).astype(np.float32)
        n = np.asarray(Image.fromarray(small).resize((w, h), Image.BILINEAR), np.float32)
        return np.clip(img + n[..., None] * rng.uniform(0.02, 0.06), 0.0, 1.0).astype(np.float32)
    period = rng.uniform(2.5, 5.0)
    t = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xx * np.cos(t) + yy * np.sin(t), -xx * np.sin(t) + yy * np.cos(t)
    dots = np.sin(2 * np.pi * u / period) * np.sin(2 * np.pi * v / period)
    return np.clip(img * (1.0 + dots[..., None] * rng.uniform(0.04, 0.12)), 0.0, 1.0).astype(np.float32)


def _strokes(canvas: np.ndarray, rng, fg_colour) -> np.ndarray:
    """Painted brush strokes over the scenery: 1..8 curved strokes that taper at both ends, of a
    saturated colour or of the character's own colour (so colour alone does not mark the character),
    sometimes with a darker outline, anti-aliased."""
    S_h, S_w = canvas.shape[:2]
    S = max(S_h, S_w)
    layer = np.zeros((S_h, S_w, 3), np.float32)
    cover = np.zeros((S_h, S_w), np.float32)
    for _ in range(int(rng.integers(1, 9))):
        if fg_colour is not None and rng.random() < 0.4:
            c = np.clip(fg_colour + rng.normal(0, 0.08, 3), 0, 1)
        else:
            hsv = Image.new("HSV", (1, 1), (int(rng.integers(256)), int(rng.uniform(120, 256)), int(rng.uniform(120, 256))))
            c = np.asarray(hsv.convert("RGB"), np.float32).reshape(3) / 255.0
        # a quadratic Bezier curve from one point to another, bending through a third
        p0, p1, p2 = (rng.uniform(-0.1, 1.1, 2) * (S_w, S_h) for _ in range(3))
        t = np.linspace(0, 1, 40)[:, None]
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2
        width = np.exp(rng.uniform(np.log(0.015), np.log(0.15))) * S
        shape = Image.new("L", (S_w, S_h), 0)
        d = ImageDraw.Draw(shape)
        for k in range(len(pts) - 1):
            wk = max(1.0, width * np.sin(np.pi * (k + 0.5) / (len(pts) - 1)) ** 0.6)  # tapered ends
            d.line([tuple(pts[k]), tuple(pts[k + 1])], fill=255, width=int(round(wk)))
            d.ellipse([pts[k][0] - wk / 2, pts[k][1] - wk / 2, pts[k][0] + wk / 2, pts[k][1] + wk / 2], fill=255)
        o = np.asarray(shape.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2))), np.float32) / 255.0
        col = np.ones((S_h, S_w, 3), np.float32) * c.astype(np.float32)
        if rng.random() < 0.4:  # light-to-dark along a direction: painted shading
            yy, xx = np.mgrid[0:S_h, 0:S_w].astype(np.float32)
            a = rng.uniform(0, 2 * np.pi)
            g = ((xx * np.cos(a) + yy * np.sin(a)) / S) % 1.0
            col = col * (1.0 - rng.uniform(0.1, 0.4) * g)[..., None]
        layer = o[..., None] * col + (1 - o[..., None]) * layer
        cover = o + (1 - o) * cover
    out = cover[..., None] * layer + (1 - cover[..., None]) * canvas
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _film(img: np.ndarray, rng) -> np.ndarray:
    """A photographic look over the whole frame: vignette (darker, sometimes tinted corners), lifted
    and tinted blacks (faded film) and a veil of light coming in from one side (haze, a window)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2  # 0 centre, 2 corners
    out = img
    if rng.random() < 0.7:
        v = np.clip(r2 / 2.0, 0, 1) ** rng.uniform(1.0, 2.5) * rng.uniform(0.3, 0.85)
        corner = np.array([rng.uniform(0, 0.25), rng.uniform(0, 0.2), rng.uniform(0, 0.2)], np.float32)
        out = out * (1 - v[..., None]) + corner * v[..., None]
    if rng.random() < 0.7:
        lo = rng.uniform(0.04, 0.2)
        tint = np.array([1.0, rng.uniform(0.85, 1.05), rng.uniform(0.7, 1.05)], np.float32)
        out = lo * tint + out * (1 - lo)
    if rng.random() < 0.6:
        a = rng.uniform(0, 2 * np.pi)
        g = ((xx - w / 2) * np.cos(a) + (yy - h / 2) * np.sin(a)) / max(h, w) + 0.5  # 0..1 towards the light
        veil = np.clip(g, 0, 1) ** rng.uniform(1.0, 3.0) * rng.uniform(0.15, 0.55)
        light = np.array([1.0, rng.uniform(0.85, 1.0), rng.uniform(0.7, 1.0)], np.float32)
        out = out * (1 - veil[..., None]) + light * veil[..., None]
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _palette(im: Image.Image, rng) -> Image.Image:
    """The frame as a GIF stores it: 32..256 colours from a median-cut or octree palette, with
    Floyd-Steinberg dithering (most GIF encoders) or none."""
    colours = int(rng.choice([32, 64, 128, 256]))
    method = Image.Quantize.MEDIANCUT if rng.random() < 0.5 else Image.Quantize.FASTOCTREE
    dither = Image.Dither.FLOYDSTEINBERG if rng.random() < 0.7 else Image.Dither.NONE
    return im.quantize(colors=colours, method=method, dither=dither).convert("RGB")


def _degrade(img: np.ndarray, rng, sketch: float = 0.0, mask=None, glow: float = 0.0, grain: float = 0.0,
             film: float = 0.0, palette: float = 0.0) -> np.ndarray:
    """Whole-image styles and artefacts on float RGB 0..1; `sketch`, `glow`, `grain`, `film` and
    `palette` are the shares of line-art, bloom, grain, film-look and GIF frames (recipes without
    them draw nothing for them, so their random streams are unchanged)."""
    if sketch and rng.random() < sketch:
        img = _sketch(img, rng, mask)
    if glow and rng.random() < glow:
        img = _glow(img, rng)
    if grain and rng.random() < grain:
        img = _grain(img, rng)
    if film and rng.random() < film:
        img = _film(img, rng)
    r = rng.random()
    if r < 0.05:
        img = np.repeat(img.mean(axis=2, keepdims=True), 3, axis=2)  # monochrome / manga-ish
    elif r < 0.10:
        levels = float(rng.integers(4, 9))
        img = np.round(img * levels) / levels  # flat colour
    img = _jitter_rgb(img, rng, 0.5)
    im = Image.fromarray((img * 255 + 0.5).astype(np.uint8))
    if rng.random() < 0.2:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    elif rng.random() < 0.15:
        im = im.filter(ImageFilter.UnsharpMask(radius=1.5, percent=int(rng.integers(50, 150))))
    if rng.random() < 0.15:
        noise = rng.normal(0, rng.uniform(2, 8), (im.size[1], im.size[0], 3))
        im = Image.fromarray(np.clip(np.asarray(im, np.float32) + noise, 0, 255).astype(np.uint8))
    if palette and rng.random() < palette:
        im = _palette(im, rng)
    elif rng.random() < 0.6:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=int(rng.integers(55, 96)), subsampling=int(rng.integers(0, 3)))
        buf.seek(0)
        im = Image.open(buf).convert("RGB")
    return np.asarray(im, dtype=np.float32) / 255.0


def _pick_fg(part, rng):
    g = part["groups"][rng.integers(len(part["groups"]))]
    return part["fg"][g[rng.integers(len(g))]]


def _fg_mean_colour(item) -> np.ndarray:
    rgba = item["rgba"][::4, ::4]
    on = rgba[..., 3] > 128
    if not on.any():
        return np.full(3, 0.5, np.float32)
    return rgba[..., :3][on].mean(axis=0).astype(np.float32) / 255.0


def _bokeh(canvas: np.ndarray, rng) -> None:
    """Bright soft discs (out-of-focus lights) added to the scenery, in place."""
    S_h, S_w = canvas.shape[:2]
    layer = Image.new("RGB", (S_w, S_h), (0, 0, 0))
    d = ImageDraw.Draw(layer)
    warm = rng.random() < 0.5
    for _ in range(int(rng.integers(3, 26))):
        r = rng.uniform(0.015, 0.12) * S_w
        cx, cy = rng.uniform(0, S_w), rng.uniform(0, S_h)
        c = rng.uniform(0.6, 1.0, 3) if not warm else np.array([1.0, rng.uniform(0.7, 1.0), rng.uniform(0.4, 0.9)])
        c = tuple(int(v * 255 * rng.uniform(0.3, 1.0)) for v in c)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
    layer = layer.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.02 * S_w + 1)))
    add = np.asarray(layer, np.float32) / 255.0
    canvas[:] = 1.0 - (1.0 - canvas) * (1.0 - add)  # screen blend: lights brighten, never darken


def _scenery(part, S: int, rng, rc: dict, fg_colour) -> np.ndarray:
    """The background of one composite: crop, jitter, then (v3) depth of field, bokeh, colour match."""
    canvas = _bg_crop(part["bg"][rng.integers(len(part["bg"]))]["rgb"], S, rng)
    canvas = _jitter_rgb(canvas, rng, 1.0)
    if fg_colour is not None and rng.random() < rc.get("tint", 0.0):
        m = canvas.reshape(-1, 3).mean(axis=0) + 1e-3
        t = rng.uniform(0.4, 1.0)
        canvas = np.clip(canvas * ((1 - t) + t * (fg_colour + 1e-3) / m), 0.0, 1.0).astype(np.float32)
    if rc.get("strokes") and rng.random() < rc["strokes"]:  # (v1..v6 draw nothing here)
        canvas = _strokes(canvas, rng, fg_colour)
    if rng.random() < rc.get("dof", 0.0):
        im = Image.fromarray((canvas * 255 + 0.5).astype(np.uint8))
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 7.0) * S / 256))
        canvas = np.asarray(im, np.float32) / 255.0
    if rng.random() < rc.get("bokeh", 0.0):
        _bokeh(canvas, rng)
    return canvas


def _shot_sample(part, S: int, rng, rc: dict):
    """A frame-filling view (head and shoulders .. half body) of one or two characters, composed at
    a canvas where no sprite is enlarged by more than MAX_UPSCALE, then enlarged to S as a whole."""
    items = [_pick_fg(part, rng) for _ in range(1 if rng.random() < 0.8 else 2)]
    h0, w0 = items[0]["rgba"].shape[:2]
    visible = rng.uniform(*rc.get("shot_visible", (0.22, 0.65)))  # share of the sprite's height (from its top) that fills the frame
    # ... but most of its width (70 %; v5: 60 %), so a bust or chibi sprite is not zoomed into its hair
    u = S * rng.uniform(0.9, 1.25) / max(visible * h0, rc.get("shot_min_width", 0.7) * w0)  # sprite px -> S px
    Sc = S if u <= MAX_UPSCALE else max(S // 2, int(round(S * MAX_UPSCALE / u)))
    k = Sc / S
    canvas = _scenery(part, Sc, rng, rc, _fg_mean_colour(items[0]))
    mask = np.zeros((Sc, Sc), np.float32)
    for j, item in enumerate(items):
        h = item["rgba"].shape[0]
        scale = u * k * (1.0 if j == 0 else h0 / h * rng.uniform(0.8, 1.2))
        rgb, a = _transform_sprite(item["rgba"], scale, rng, rotate=(0.4, 10.0), jitter=(0.6, 0.7), lineless=rc.get("lineless", 0.0))
        nh, nw = a.shape
        if len(items) == 1:
            x = int(round(Sc / 2 - nw / 2 + rng.uniform(-0.25, 0.25) * Sc))
        else:
            x = int(round((0.3 if j == 0 else 0.7) * Sc - nw / 2 + rng.uniform(-0.1, 0.1) * Sc))
        y = int(round(rng.uniform(-0.06, 0.18) * Sc))  # top of the head near the top edge, sometimes cut
        _paste(canvas, mask, rgb, a, x, y)
    if Sc != S:
        img = Image.fromarray((canvas * 255 + 0.5).astype(np.uint8)).resize((S, S), Image.BICUBIC)
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.UnsharpMask(radius=1.2, percent=int(rng.integers(40, 120)), threshold=2))
        canvas = np.asarray(img, np.float32) / 255.0
        mask = np.asarray(Image.fromarray(mask).resize((S, S), Image.BILINEAR), np.float32).clip(0, 1)
    return canvas, mask


def _n_characters(rng, empty: float) -> int:
    """0 (share `empty`), else 1, 2 or 3 characters in the proportions 67 : 21 : 7."""
    r = rng.random()
    return 0 if r < empty else 1 if r < empty + (1 - empty) * 0.67 / 0.95 else 2 if r < empty + (1 - empty) * 0.88 / 0.95 else 3


def make_sample(part, S: int, rng, recipe: str = "v1", info: dict | None = None):
    """One composite: (image float HxWx3 in 0..1, alpha float HxW in 0..1). `info`, when given,
    records what went in ("prop", "occluder": True); it draws nothing from the stream."""
    rc = RECIPES[recipe]
    if "closeup_shot" not in rc:  # v1 / v2: the random stream they were trained and validated with
        canvas = _jitter_rgb(_bg_crop(part["bg"][rng.integers(len(part["bg"]))]["rgb"], S, rng), rng, 1.0)
        k = _n_characters(rng, rc["empty"])
        mask = np.zeros((S, S), np.float32)
        for _ in range(k):
            _paste(canvas, mask, *_place_fg(_pick_fg(part, rng), S, rng, recipe))
    elif rng.random() < rc["closeup_shot"]:
        canvas, mask = _shot_sample(part, S, rng, rc)
        k = 1
    else:  # the characters are picked first: the scenery may take the colour of the first
        k = _n_characters(rng, rc["empty"])
        items = [_pick_fg(part, rng) for _ in range(k)]
        canvas = _scenery(part, S, rng, rc, _fg_mean_colour(items[0]) if items else None)
        mask = np.zeros((S, S), np.float32)
        for item in items:
            _paste(canvas, mask, *_place_fg(item, S, rng, recipe))
    if k > 0 and rc.get("prop") and rng.random() < rc["prop"]:  # (v1..v5 draw nothing here)
        _prop(canvas, mask, part, S, rng)
        if info is not None:
            info["prop"] = True
    if k > 0 and rng.random() < 0.15:
        _occluder(canvas, mask, part, S, rng, edge=rc.get("edge_occluders", False))
        if info is not None:
            info["occluder"] = True
    img = _degrade(canvas, rng, rc.get("sketch", 0.0), mask, rc.get("glow", 0.0), rc.get("grain", 0.0),
                   rc.get("film", 0.0), rc.get("palette", 0.0))
    return img, mask


def make_batch(part, S: int, n: int, seed: int, index: int, recipe: str = "v1", infos: list | None = None):
    """Batch `index` of the stream `seed`: float tensors-ready arrays (N,3,S,S), (N,1,S,S); `infos`,
    when given, gets each sample's make_sample info."""
    rng = np.random.default_rng([seed, index])
    xs = np.empty((n, 3, S, S), np.float32)
    ys = np.empty((n, 1, S, S), np.float32)
    for i in range(n):
        info = {} if infos is not None else None
        img, m = make_sample(part, S, rng, recipe, info)
        if infos is not None:
            infos.append(info)
        xs[i] = img.transpose(2, 0, 1)
        ys[i, 0] = m
    return xs, ys
