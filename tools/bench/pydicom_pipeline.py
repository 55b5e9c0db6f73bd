"""Benchmark twin of DicomTools' pipeline: every file -> stored window -> 8-bit grey PNG, with pydicom + numpy +
Pillow as a careful script would do it (modality LUT, first stored window, LINEAR per PS3.3 C.11.2.1.2)."""
import os, sys, resource
import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
from PIL import Image

src, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith(".dcm"):
        continue
    ds = pydicom.dcmread(os.path.join(src, name))
    x = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
    c = float(ds.WindowCenter[0] if ds["WindowCenter"].VM > 1 else ds.WindowCenter)
    w = float(ds.WindowWidth[0] if ds["WindowWidth"].VM > 1 else ds.WindowWidth)
    y = np.clip((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1) * 255.0
    Image.fromarray(np.floor(y + 0.5).astype(np.uint8)).save(os.path.join(out, name[:-4] + ".png"))
peak = os.environ.get("DICOMTOOLS_BENCH_PEAK")
if peak:
    open(peak, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
