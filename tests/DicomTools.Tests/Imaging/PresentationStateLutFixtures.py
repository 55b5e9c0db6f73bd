# Presentation states with LUT data and a bitmap shutter, made from a dcmpsmk state with pydicom (dcmodify cannot
# write LUT Data or an overlay plane), rendered by dcmp2pgm. Prints one JSON line per case: the state's path,
# dcmp2pgm's 8-bit output and the expected 8-bit output from the standard's formulas computed here with numpy
# (PS3.3 C.11.1 Modality LUT, C.11.2.1.1 VOI LUT, C.11.2.1.2 window, C.11.6 Presentation LUT, C.7.6.15 bitmap
# shutter), and the shutter mask. argv: output folder, image. For tests/.../PresentationStateLutTests.cs.
import sys, os, json, subprocess
import numpy as np, pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from PIL import Image
OUT, IMAGE = sys.argv[1], sys.argv[2]

def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit(f"{args[0]} failed: {r.stderr}")

img = pydicom.dcmread(IMAGE)
stored = img.pixel_array.astype(np.int64)
rows, cols = stored.shape
r, c = np.mgrid[1:rows + 1, 1:cols + 1]

def lut_item(first, bits, entries, explanation=None):
    item = Dataset()
    item.add_new(0x00283002, "US", [len(entries) % 65536, first % 65536, bits])
    item.add_new(0x00283006, "US" if len(entries) > 0 else "OW", [int(e) for e in entries])
    if explanation: item.LUTExplanation = explanation
    return item

def window(x, center, width, ymax):
    # C.11.2.1.2.1, output 0..ymax (not rounded)
    cc, ww = center - 0.5, width - 1
    return np.where(x <= cc - ww / 2, 0.0, np.where(x > cc + ww / 2, ymax, ((x - cc) / ww + 0.5) * ymax))

def lut_lookup(entries, first, x):
    # C.11.1.1 / C.11.2.1.1: below the table the first entry, above it the last.
    return np.asarray(entries)[np.clip(np.floor(x).astype(np.int64) - first, 0, len(entries) - 1)]

def level(p, bits):   # a P-value of `bits` bits on the 8-bit output: floor(v * 255 / max + 0.5)
    return np.floor(p * 255.0 / (2 ** bits - 1) + 0.5).astype(np.uint8)

modality = stored * float(img.RescaleSlope) + float(img.RescaleIntercept)
cases = []

# 1. A Softcopy VOI LUT with LUT data: 2048 entries from modality -1024, 12 bits, a square-root curve.
voi_entries = np.floor(np.sqrt(np.arange(2048) / 2047.0) * 4095 + 0.5).astype(np.int64)
def voi_state(ps):
    item = Dataset(); item.VOILUTSequence = Sequence([lut_item(-1024, 12, voi_entries, "SQRT")])
    ps.SoftcopyVOILUTSequence = Sequence([item])
voi_expected = level(lut_lookup(voi_entries, -1024, modality), 12)
cases.append(dict(name="voi_lut", edit=voi_state, expected=voi_expected, mask=None, value=0))

# 2. A Presentation LUT with data after a window 40/400: 256 entries (an 8-bit VOI output), 12 bits, a gamma curve.
pres_entries = np.floor((np.arange(256) / 255.0) ** 0.5 * 4095 + 0.5).astype(np.int64)
def pres_state(ps):
    item = Dataset(); item.WindowCenter = 40; item.WindowWidth = 400
    ps.SoftcopyVOILUTSequence = Sequence([item])
    if "PresentationLUTShape" in ps: del ps.PresentationLUTShape
    ps.PresentationLUTSequence = Sequence([lut_item(0, 12, pres_entries)])
# The VOI output, on 0 .. N-1 (C.11.6.1: the Presentation LUT has one entry per VOI output value), picks the entry
# below it. The standard leaves the rounding of a window's real output open; dcmp2pgm truncates (rounding to the
# nearest entry differs from it by up to 16 levels on this steep curve), and we decided to do the same.
v = window(modality, 40, 400, 255.0)
pres_expected = level(pres_entries[np.floor(v + 1e-9).astype(np.int64)], 12)
cases.append(dict(name="presentation_lut", edit=pres_state, expected=pres_expected, mask=None, value=0))

# 3. A Modality LUT Sequence in the state (replacing the image's rescale): stored value s -> 2 * (s - 1024) from
# stored 0, 4096 entries, 16 bits (entries as unsigned: the LUT's output here stays >= 0 by offsetting 8192), then
# a window in that output's units.
mod_entries = np.clip(2 * (np.arange(4096) - 1024) + 8192, 0, 65535).astype(np.int64)
def modality_state(ps):
    for k in ("RescaleSlope", "RescaleIntercept", "RescaleType"):
        if k in ps: del ps[k]
    m = lut_item(0, 16, mod_entries); m.ModalityLUTType = "US"
    ps.ModalityLUTSequence = Sequence([m])
    item = Dataset(); item.WindowCenter = 8192 + 80; item.WindowWidth = 800
    ps.SoftcopyVOILUTSequence = Sequence([item])
mod_expected = level(np.floor(window(lut_lookup(mod_entries, 0, stored), 8192 + 80, 800, 255) + 0.5), 8)
cases.append(dict(name="modality_lut", edit=modality_state, expected=mod_expected, mask=None, value=0))

# 4. A bitmap shutter: overlay plane 6002 of the state, a disk of radius 40 around row 60, column 70 left open (bit 0)
# and everything else shuttered (bit 1), in P-value 20000. C.7.6.15: pixels whose overlay bit is 1 are shuttered.
shutter = ((r - 60) ** 2 + (c - 70) ** 2 > 40 ** 2)
def bitmap_state(ps):
    item = Dataset(); item.WindowCenter = 40; item.WindowWidth = 400
    ps.SoftcopyVOILUTSequence = Sequence([item])
    ps.ShutterShape = "BITMAP"
    ps.add_new(0x00181623, "US", 0x6002)
    ps.ShutterPresentationValue = 20000
    ps.add_new(0x60020010, "US", rows); ps.add_new(0x60020011, "US", cols)
    ps.add_new(0x60020040, "CS", "G"); ps.add_new(0x60020050, "SS", [1, 1])
    ps.add_new(0x60020100, "US", 1); ps.add_new(0x60020102, "US", 0)
    bits = np.packbits(shutter.astype(np.uint8).ravel(), bitorder="little")
    if len(bits) % 2: bits = np.append(bits, 0)
    ps.add_new(0x60023000, "OW", bits.tobytes())
bitmap_expected = np.floor(window(modality, 40, 400, 255) + 0.5).astype(np.uint8)
cases.append(dict(name="bitmap_shutter", edit=bitmap_state, expected=bitmap_expected, mask=shutter, value=20000))

# 5. The same shutter with an overlay plane the state activates (6000, a line across row 3, mostly shuttered, and
# one inside the opening): PS3.4 N.2.3 applies the shutter before the image-space annotations, so the overlay shows
# white (the display maximum, as DCMTK draws graphics overlays) over the shutter too. dcmp2pgm 3.6.7 does not burn
# the activated overlay into its bitmap (with -v it writes it to a file of its own), so it is no reference on those
# pixels; it does apply the bitmap shutter here (where the state has a Graphic Layer Sequence), in P-value 20000
# truncated to 77 where we round to 78.
overlay = np.zeros((rows, cols), bool); overlay[2, :] = True; overlay[59, 59:80] = True
def overlay_state(ps):
    bitmap_state(ps)
    ps.add_new(0x60000010, "US", rows); ps.add_new(0x60000011, "US", cols)
    ps.add_new(0x60000040, "CS", "G"); ps.add_new(0x60000050, "SS", [1, 1])
    ps.add_new(0x60000100, "US", 1); ps.add_new(0x60000102, "US", 0)
    ps.add_new(0x60001001, "CS", "L1")
    bits = np.packbits(overlay.astype(np.uint8).ravel(), bitorder="little")
    if len(bits) % 2: bits = np.append(bits, 0)
    ps.add_new(0x60003000, "OW", bits.tobytes())
    layer = Dataset(); layer.GraphicLayer = "L1"; layer.GraphicLayerOrder = 1
    ps.GraphicLayerSequence = Sequence([layer])
overlay_expected = bitmap_expected.copy(); overlay_expected[overlay] = 255
cases.append(dict(name="overlay_over_shutter", edit=overlay_state, expected=overlay_expected, mask=shutter & ~overlay, value=20000,
                  nodcmtk=overlay))

for case in cases:
    path = os.path.join(OUT, case["name"] + ".pr.dcm")
    run("dcmpsmk", "-q", IMAGE, path)
    ps = pydicom.dcmread(path)
    case["edit"](ps)
    ps.save_as(path, write_like_original=False)
    pgm = os.path.join(OUT, case["name"] + ".pgm")
    run("dcmp2pgm", "-q", "-p", path, IMAGE, pgm)
    out = np.asarray(Image.open(pgm))
    mask = case["mask"] if case["mask"] is not None else np.zeros((rows, cols), bool)
    print(json.dumps(dict(name=case["name"], path=path, width=int(out.shape[1]), height=int(out.shape[0]), value=case["value"],
        dcmtk=out.tobytes().hex(), expected=np.ascontiguousarray(case["expected"]).astype(np.uint8).tobytes().hex(),
        shutter=np.ascontiguousarray(mask).astype(np.uint8).tobytes().hex(),
        nodcmtk=np.ascontiguousarray(case.get("nodcmtk", np.zeros((rows, cols), bool))).astype(np.uint8).tobytes().hex())))
