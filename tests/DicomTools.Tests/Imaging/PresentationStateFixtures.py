# Makes Grayscale Softcopy Presentation States for an image with DCMTK (dcmpsmk, then dcmodify for window, rotation,
# flip and shutters), renders each with dcmp2pgm, and prints one JSON line per state: the state's path, dcmp2pgm's
# 8-bit output as hex, and the shutter mask computed from PS3.3 C.7.6.11 in image coordinates (DCMTK 3.6.7 leaves
# shutters out of the bitmap it writes). argv: output folder, image. For tests/.../PresentationStateTests.cs.
import sys, os, json, subprocess
import numpy as np, pydicom
from PIL import Image
OUT, IMAGE = sys.argv[1], sys.argv[2]

def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit(f"{args[0]} failed: {r.stderr}")

rows, cols = pydicom.dcmread(IMAGE).pixel_array.shape
r, c = np.mgrid[1:rows + 1, 1:cols + 1]

def polygon_inside(vertices):
    inside = np.zeros((rows, cols), bool)
    n = len(vertices)
    for i in range(n):
        (ri, ci), (rj, cj) = vertices[i], vertices[i - 1]
        crosses = (ri > r) != (rj > r)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = (cj - ci) * (r - ri) / (rj - ri) + ci
        inside ^= crosses & (c < at)
    return inside

cases = [
    dict(name="rot90_rect", rotation=90, flip="N", edits=[
        "(0018,1600)=RECTANGULAR", "(0018,1602)=10", "(0018,1604)=100", "(0018,1606)=20", "(0018,1608)=90",
        "(0018,1622)=32768"],
        mask=lambda: (c < 10) | (c > 100) | (r < 20) | (r > 90), value=32768),
    dict(name="rot270_flip_circle_polygon", rotation=270, flip="Y", edits=[
        "(0018,1600)=CIRCULAR\\POLYGONAL", "(0018,1610)=60\\70", "(0018,1612)=50",
        "(0018,1620)=5\\5\\5\\120\\110\\120\\120\\20", "(0018,1622)=65535"],
        mask=lambda: ((r - 60) ** 2 + (c - 70) ** 2 > 50 ** 2) | ~polygon_inside([(5, 5), (5, 120), (110, 120), (120, 20)]),
        value=65535),
    dict(name="rot180_noshutter", rotation=180, flip="Y", edits=[], mask=lambda: np.zeros((rows, cols), bool), value=0),
]
for case in cases:
    path = os.path.join(OUT, case["name"] + ".pr.dcm")
    run("dcmpsmk", "-q", IMAGE, path)
    edits = ["(0028,3110)[0].(0028,1050)=40", "(0028,3110)[0].(0028,1051)=400",
             f"(0070,0042)={case['rotation']}", f"(0070,0041)={case['flip']}"] + case["edits"]
    args = ["dcmodify", "-nb", "-q"]
    for e in edits: args += ["-i", e]
    run(*args, path)
    pgm = os.path.join(OUT, case["name"] + ".pgm")
    run("dcmp2pgm", "-q", "-p", path, IMAGE, pgm)
    out = np.asarray(Image.open(pgm))
    # The mask in display coordinates: clockwise rotation, then the horizontal flip (PS3.3 C.10.6.1.1).
    mask = np.rot90(case["mask"](), -case["rotation"] // 90)
    if case["flip"] == "Y": mask = np.fliplr(mask)
    print(json.dumps(dict(name=case["name"], path=path, width=int(out.shape[1]), height=int(out.shape[0]),
        rotation=case["rotation"], flip=case["flip"] == "Y", value=case["value"],
        dcmtk=out.tobytes().hex(), shutter=np.ascontiguousarray(mask).astype(np.uint8).tobytes().hex())))
