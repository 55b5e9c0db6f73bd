# Displayed Area Selection and PIXEL-unit graphics (PS3.3 C.10.4, C.10.5.1.2). A 16 x 12 8-bit image whose pixels are
# all different (1 + 16 * row + column) and states with a window that shows each stored value as itself (128/256,
# C.11.2.1.2), so an output pixel names the image pixel it came from. Prints one JSON line per state: its path, the
# expected output computed here with numpy from the standard's text, and, where DCMTK renders the displayed area
# (dcmpsprt's print bitmap: crop and area beyond the image; it prints unscaled, so MAGNIFY, TRUE SIZE and aspect
# ratios are not compared to it, and dcmp2pgm ignores the displayed area altogether), DCMTK's 12-bit P-values.
# argv: output folder.
import sys, os, json, subprocess, glob
import numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
OUT = sys.argv[1]
ROWS, COLS = 12, 16
image = (1 + 16 * np.arange(ROWS)[:, None] + np.arange(COLS)[None, :]).astype(np.uint8)

def base(sop_class, uid):
    m = FileMetaDataset(); m.MediaStorageSOPClassUID = sop_class; m.MediaStorageSOPInstanceUID = uid
    m.TransferSyntaxUID = ExplicitVRLittleEndian
    d = Dataset(); d.file_meta = m; d.is_little_endian = True; d.is_implicit_VR = False
    d.SOPClassUID = sop_class; d.SOPInstanceUID = uid
    d.StudyInstanceUID = "2.25.61"; d.SeriesInstanceUID = "2.25.62"; d.PatientName = "Area^Test"; d.PatientID = "A1"
    d.Modality = "OT"
    return d

img = base("1.2.840.10008.5.1.4.1.1.7", "2.25.6001")
img.Rows = ROWS; img.Columns = COLS; img.SamplesPerPixel = 1; img.PhotometricInterpretation = "MONOCHROME2"
img.BitsAllocated = 8; img.BitsStored = 8; img.HighBit = 7; img.PixelRepresentation = 0
img.PixelData = image.tobytes()
IMAGE = os.path.join(OUT, "area_image.dcm")
img.save_as(IMAGE, write_like_original=False)

def state(name, tl, br, mode="SCALE TO FIT", magnify=None, spacing=None, aspect=None, rotation=0, flip="N", graphics=()):
    ps = base("1.2.840.10008.5.1.4.1.1.11.1", "2.25.7" + str(abs(hash(name)) % 10 ** 9))
    ps.Modality = "PR"; ps.ContentLabel = "AREA"; ps.InstanceNumber = 1; ps.ContentDate = "20261204"; ps.ContentTime = "120000"
    ps.PresentationCreationDate = "20261204"; ps.PresentationCreationTime = "120000"
    ref = Dataset(); ref.ReferencedSOPClassUID = img.SOPClassUID; ref.ReferencedSOPInstanceUID = img.SOPInstanceUID
    series = Dataset(); series.SeriesInstanceUID = img.SeriesInstanceUID; series.ReferencedImageSequence = Sequence([ref])
    ps.ReferencedSeriesSequence = Sequence([series])
    voi = Dataset(); voi.WindowCenter = 128; voi.WindowWidth = 256
    ps.SoftcopyVOILUTSequence = Sequence([voi])
    area = Dataset()
    area.add_new(0x00700052, "SL", list(tl)); area.add_new(0x00700053, "SL", list(br))
    area.PresentationSizeMode = mode
    if magnify is not None: area.PresentationPixelMagnificationRatio = magnify
    if spacing is not None: area.PresentationPixelSpacing = list(spacing)
    if aspect is not None: area.PresentationPixelAspectRatio = list(aspect)
    if spacing is None and aspect is None: area.PresentationPixelAspectRatio = [1, 1]
    ps.DisplayedAreaSelectionSequence = Sequence([area])
    ps.ImageRotation = rotation; ps.ImageHorizontalFlip = flip; ps.PresentationLUTShape = "IDENTITY"
    if graphics:
        objects = []
        for units, kind, points in graphics:
            g = Dataset(); g.GraphicAnnotationUnits = units; g.GraphicDimensions = 2; g.NumberOfGraphicPoints = len(points) // 2
            g.GraphicData = list(points); g.GraphicType = kind; g.GraphicFilled = "N"
            objects.append(g)
        ann = Dataset(); ann.GraphicLayer = "L1"; ann.GraphicObjectSequence = Sequence(objects)
        ps.GraphicAnnotationSequence = Sequence([ann])
        layer = Dataset(); layer.GraphicLayer = "L1"; layer.GraphicLayerOrder = 1
        ps.GraphicLayerSequence = Sequence([layer])
    path = os.path.join(OUT, name + ".pr.dcm")
    ps.save_as(path, write_like_original=False)
    return path

def expected(tl, br, mode="SCALE TO FIT", magnify=None, spacing=None, aspect=None, rotation=0, flip="N", graphics=()):
    (L, T), (R, B) = (min(tl[0], br[0]), min(tl[1], br[1])), (max(tl[0], br[0]), max(tl[1], br[1]))
    aw, ah = R - L + 1, B - T + 1
    # C.10.4 on a file (no physical display; PS3.18 9.5.2.3 for rendered presentation states): SCALE TO FIT and TRUE
    # SIZE unscaled, MAGNIFY by its ratio; a non-square displayed pixel (vertical / horizontal) stretches its longer side.
    m = magnify if mode == "MAGNIFY" else 1.0
    ratio = spacing[0] / spacing[1] if spacing is not None else aspect[0] / aspect[1] if aspect is not None else 1.0
    sx, sy = (m, m * ratio) if ratio >= 1 else (m / ratio, m)
    w, h = max(1, round(aw * sx)), max(1, round(ah * sy))
    # Nearest neighbour at each output pixel's centre; 1-based area corners; outside the image black.
    cols = L - 1 + np.floor((np.arange(w) + 0.5) * aw / w).astype(int)
    rows = T - 1 + np.floor((np.arange(h) + 0.5) * ah / h).astype(int)
    out = np.zeros((h, w), np.uint8)
    ok_r, ok_c = (rows >= 0) & (rows < ROWS), (cols >= 0) & (cols < COLS)
    out[np.ix_(ok_r, ok_c)] = image[np.ix_(rows[ok_r], cols[ok_c])]
    # C.10.5.1.2: PIXEL coordinates put 0\0 on the top left corner of the top left pixel and 1\1 on its bottom right
    # corner, so a point lies in image pixel (floor(x), floor(y)) (0-based) and in the output pixel its mapped
    # position falls in. Only POINTs here: one pixel each, no line-drawing rule involved.
    for units, kind, points in graphics:
        if units == "PIXEL" and kind == "POINT":
            x, y = points
            ox, oy = int(np.floor((x - (L - 1)) * w / aw)), int(np.floor((y - (T - 1)) * h / ah))
            if 0 <= ox < w and 0 <= oy < h: out[oy, ox] = 255
    out = np.rot90(out, -rotation // 90)
    if flip == "Y": out = np.fliplr(out)
    for units, kind, points in graphics:
        if units == "DISPLAY" and kind == "POINT":
            x, y = points
            ox, oy = int(np.floor(x * out.shape[1])), int(np.floor(y * out.shape[0]))
            if 0 <= ox < out.shape[1] and 0 <= oy < out.shape[0]: out[oy, ox] = 255
    return out

CFG = os.path.join(OUT, "print.cfg"); SPOOL = os.path.join(OUT, "spool")
os.makedirs(SPOOL, exist_ok=True)
with open(CFG, "w") as f:
    f.write(f"""[GENERAL]
[[DATABASE]]
Directory = {OUT}
[[PRINT]]
Spooler = PRINTSPOOLER
[[SPOOLER]]
[COMMUNICATION]
[[PRINTER1]]
Aetitle = PRINTER
Description = test
Hostname = localhost
Port = 10007
Type = PRINTER
SupportsPresentationLUT = true
FilmSizeID = 8INX10IN
DisplayFormat = 1,1
MaxPrintResolution = 8192\\8192
MinPrintResolution = 1\\1
""")

def dcmtk_print(path):
    for old in glob.glob(os.path.join(OUT, "HG_*.dcm")): os.remove(old)
    # dcmpsprt writes its hardcopy image into the working directory, whatever the configuration says.
    r = subprocess.run(["dcmpsprt", "-q", "-c", CFG, "+p", path, IMAGE], capture_output=True, text=True, cwd=OUT)
    if r.returncode != 0: raise SystemExit(f"dcmpsprt failed: {r.stderr}")
    found = glob.glob(os.path.join(OUT, "HG_*.dcm"))
    if len(found) != 1: raise SystemExit(f"dcmpsprt wrote {len(found)} hardcopy images")
    hg = pydicom.dcmread(found[0])
    return hg.pixel_array.astype(np.int64), int(hg.BitsStored)

cases = [
    dict(name="fit_beyond", tl=(-2, -1), br=(10, 14), dcmtk=True),
    dict(name="rotated_crop", tl=(12, 14), br=(-1, 2), rotation=270, dcmtk=True),
    dict(name="magnify", tl=(3, 2), br=(8, 6), mode="MAGNIFY", magnify=2.2),
    dict(name="true_size_spacing", tl=(1, 1), br=(16, 12), mode="TRUE SIZE", spacing=(0.5, 0.25)),
    dict(name="aspect_wide", tl=(1, 1), br=(16, 12), aspect=(1, 3)),
    dict(name="graphics_magnified_rotated", tl=(5, 3), br=(14, 11), mode="MAGNIFY", magnify=2.0, rotation=90, flip="Y",
         graphics=(("PIXEL", "POINT", (6.25, 4.75)), ("PIXEL", "POINT", (4.0, 2.0)), ("PIXEL", "POINT", (13.999, 10.999)),
                   ("DISPLAY", "POINT", (0.5, 0.25)))),
]
for case in cases:
    kw = {k: v for k, v in case.items() if k not in ("name", "dcmtk")}
    path = state(case["name"], **kw)
    out = expected(**kw)
    line = dict(name=case["name"], path=path, image=IMAGE, width=int(out.shape[1]), height=int(out.shape[0]),
                expected=np.ascontiguousarray(out).tobytes().hex())
    if case.get("dcmtk"):
        p, bits = dcmtk_print(path)
        line["dcmtkWidth"], line["dcmtkHeight"] = int(p.shape[1]), int(p.shape[0])
        line["dcmtk"] = np.floor(p * 255.0 / (2 ** bits - 1) + 0.5).astype(np.uint8).tobytes().hex()
    print(json.dumps(line))
