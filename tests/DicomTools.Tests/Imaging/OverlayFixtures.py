# Writes the overlay fixtures (pydicom) into argv[1] and prints, per fixture, one JSON line with dcmj2pnm's
# renderings (+Wi 1, overlays in replace mode, with and without -O) as hex, for tests/DicomTools.Tests/Imaging/OverlayTests.cs.
import sys, os, json, subprocess
import numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ExplicitVRBigEndian, generate_uid
from pydicom.pixel_data_handlers.numpy_handler import pack_bits
from PIL import Image
OUT = sys.argv[1]

def base(rows, cols, frames=1, bits=16, stored=12, signed=0, photometric="MONOCHROME2", spp=1, big=False):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRBigEndian if big else ExplicitVRLittleEndian
    ds = Dataset(); ds.file_meta = meta
    ds.is_little_endian = not big; ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"; ds.Rows = rows; ds.Columns = cols; ds.SamplesPerPixel = spp
    ds.PhotometricInterpretation = photometric; ds.BitsAllocated = bits; ds.BitsStored = stored
    ds.HighBit = stored - 1; ds.PixelRepresentation = signed
    if spp > 1: ds.PlanarConfiguration = 0
    if frames > 1: ds.NumberOfFrames = frames
    return ds

def plane(ds, group, bits, origin, typ="G", frames=None, frame_origin=None, desc=None, big=False):
    # bits: (frames, rows, cols) or (rows, cols) of 0/1, packed continuously LSB first (PS3.5 8.1.2 / 8.2).
    b = np.asarray(bits, dtype=np.uint8)
    rows, cols = b.shape[-2:]
    packed = pack_bits(b.ravel())
    if len(packed) % 2: packed += b"\0"
    if big:  # OW in big endian: each 16-bit word's bytes swapped
        packed = bytes(np.frombuffer(packed, "<u2").astype(">u2").tobytes())
    ds.add_new((group, 0x0010), "US", rows); ds.add_new((group, 0x0011), "US", cols)
    ds.add_new((group, 0x0040), "CS", typ); ds.add_new((group, 0x0050), "SS", list(origin))
    ds.add_new((group, 0x0100), "US", 1); ds.add_new((group, 0x0102), "US", 0)
    if frames is not None: ds.add_new((group, 0x0015), "IS", str(frames))
    if frame_origin is not None: ds.add_new((group, 0x0051), "US", frame_origin)
    if desc: ds.add_new((group, 0x0022), "LO", desc)
    ds.add_new((group, 0x3000), "OW", packed)

def shapes(rows, cols, seed):
    rng = np.random.default_rng(seed)
    m = np.zeros((rows, cols), np.uint8)
    m[2:rows-2:7, :] = 1; m[:, 3:cols:5] ^= 1
    m |= (rng.random((rows, cols)) < 0.05).astype(np.uint8)
    return m

cases = []
def save(name, ds, arr):
    if ds.file_meta.TransferSyntaxUID == ExplicitVRBigEndian:
        ds.PixelData = arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    else:
        ds.PixelData = arr.tobytes()
    path = os.path.join(OUT, name); ds.save_as(path, write_like_original=False); return path

# 1. grey, three planes: graphics over the image, ROI partly below/right of the image, graphics partly above/left.
for big in (False, True):
    ds = base(64, 80, big=big)
    img = (np.add.outer(np.arange(64) * 40, np.arange(80) * 20) % 4096).astype(np.uint16)
    ds.WindowCenter = 2048; ds.WindowWidth = 4096
    plane(ds, 0x6000, shapes(64, 80, 1), (1, 1), desc="graphics", big=big)
    plane(ds, 0x6002, np.ones((20, 30), np.uint8), (55, 70), typ="R", desc="roi", big=big)
    plane(ds, 0x601E, shapes(16, 16, 2), (-5, -5), big=big)
    cases.append(dict(name="grey_be.dcm" if big else "grey.dcm", path=save("grey_be.dcm" if big else "grey.dcm", ds, img), frames=[1]))

# 2. multi-frame: a 2-frame overlay starting at image frame 2; 30x34 planes (1020 bits: frames not byte aligned).
ds = base(30, 34, frames=3, bits=8, stored=8)
img = np.stack([np.full((30, 34), 40 * (k + 1), np.uint8) for k in range(3)])
ds.WindowCenter = 128; ds.WindowWidth = 256
ov = np.stack([shapes(30, 34, 10 + k) for k in range(2)])
plane(ds, 0x6000, ov, (1, 1), frames=2, frame_origin=2)
cases.append(dict(name="multiframe.dcm", path=save("multiframe.dcm", ds, img), frames=[1, 2, 3]))

# 3. retired overlays in the unused high bits of Pixel Data: bits 12 and 15 of a 12-bit image.
ds = base(40, 48)
clean = (np.add.outer(np.arange(40) * 97, np.arange(48) * 13) % 4096).astype(np.uint16)
o12, o15 = shapes(40, 48, 3), shapes(40, 48, 4)
img = clean | (o12.astype(np.uint16) << 12) | (o15.astype(np.uint16) << 15)
ds.WindowCenter = 2048; ds.WindowWidth = 4096
for g, pos in ((0x6000, 12), (0x6002, 15)):
    ds.add_new((g, 0x0010), "US", 40); ds.add_new((g, 0x0011), "US", 48); ds.add_new((g, 0x0040), "CS", "G")
    ds.add_new((g, 0x0050), "SS", [1, 1]); ds.add_new((g, 0x0100), "US", 16); ds.add_new((g, 0x0102), "US", pos)
cases.append(dict(name="embedded.dcm", path=save("embedded.dcm", ds, img), frames=[1], clean=clean.tobytes().hex()))

# 4. RGB with one plane: expected from the definition (set bits take the overlay colour), DCMTK draws none on colour.
ds = base(24, 20, bits=8, stored=8, photometric="RGB", spp=3)
rgb = np.zeros((24, 20, 3), np.uint8); rgb[..., 0] = 30; rgb[..., 1] = np.arange(20) * 10; rgb[..., 2] = 200
ov = shapes(24, 20, 5)
plane(ds, 0x6000, ov, (1, 1))
exp = rgb.copy(); exp[ov == 1] = (255, 0, 0)
cases.append(dict(name="rgb.dcm", path=save("rgb.dcm", ds, rgb), frames=[1], expected_red=exp.tobytes().hex()))

def dcmtk(path, frame, *opts):
    out = os.path.join(OUT, "ref.pgm")
    r = subprocess.run(["dcmj2pnm", "+Wi", "1", "+Omr", "+F", str(frame), *opts, path, out], capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit(f"dcmj2pnm failed on {path}: {r.stderr}")
    return np.asarray(Image.open(out)).tobytes().hex()

for c in cases:
    if c["name"] == "rgb.dcm": print(json.dumps(c)); continue
    c["on"] = [dcmtk(c["path"], f) for f in c["frames"]]
    c["off"] = [dcmtk(c["path"], f, "-O") for f in c["frames"]]
    print(json.dumps(c))
