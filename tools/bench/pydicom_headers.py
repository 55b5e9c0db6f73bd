"""Benchmark twin of `Get-ChildItem | Get-DicomInfo`: pydicom's dcmread(stop_before_pixels=True) over every file,
touching a few attributes as a script would."""
import os, sys, resource
import pydicom

src = sys.argv[1]
n = 0
for name in sorted(os.listdir(src)):
    if name.endswith(".dcm"):
        ds = pydicom.dcmread(os.path.join(src, name), stop_before_pixels=True)
        _ = (ds.Modality, ds.PatientName, ds.Rows, ds.Columns, ds.get("WindowCenter"))
        n += 1
print(f"{n} headers")
peak = os.environ.get("DICOMTOOLS_BENCH_PEAK")
if peak:
    open(peak, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
