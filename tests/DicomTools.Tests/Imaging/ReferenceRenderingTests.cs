using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using DicomTools.Imaging;
using DicomTools.Pixels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// Runs pydicom once over the corpus (at test time, /usr/bin/python3) to dump frame 1's stored values and display
/// attributes exactly as the corpus' make_refs.py interprets them (its own drop_empty, lift_functional_groups,
/// fix_stored and gdcmconv --raw decoding are imported and called), so the display math is checked against the
/// reference renderings without depending on our reader.
/// </summary>
public sealed class PydicomFrameDump : IDisposable
{
    // Reads every file listed in reference/index.tsv; writes <file>.json (attributes) and <file>.bin (samples).
    private const string Script = """
        import sys, os, json, warnings, importlib.util
        import numpy as np, pydicom
        from pydicom.pixel_data_handlers.util import apply_color_lut
        warnings.filterwarnings("ignore")
        CORPUS, OUT = sys.argv[1], sys.argv[2]
        sys.argv = [sys.argv[0], CORPUS, os.path.join(OUT, "_unused")]
        spec = importlib.util.spec_from_file_location("make_refs", os.path.join(CORPUS, "make_refs.py"))
        mr = importlib.util.module_from_spec(spec); spec.loader.exec_module(mr)

        def values(el):
            v = el.value
            return list(v) if isinstance(v, (list, pydicom.multival.MultiValue)) else [v]

        def lut_of(item, little):
            desc = [int(v) for v in item["LUTDescriptor"].value]
            n = desc[0] or 65536
            el = item["LUTData"]
            if el.VR in ("OW", "OB") or isinstance(el.value, bytes):
                b = el.value
                data = np.frombuffer(b, ("<" if little else ">") + "u2")[:n] if len(b) >= 2 * n else np.frombuffer(b, "u1")[:n]
            else:
                data = np.asarray(values(el))
            d = dict(first=desc[1], bits=desc[2], entries=[int(x) for x in data])
            if "LUTExplanation" in item: d["expl"] = str(item.LUTExplanation or "")
            return d

        files = sorted({l.split("\t")[0] for l in open(os.path.join(CORPUS, "reference", "index.tsv")).read().splitlines()[1:]})
        for f in files:
            path = os.path.join(CORPUS, f)
            try:
                ds = pydicom.dcmread(path, force=True)
                ts = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
                if not ts:
                    from pydicom.uid import ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian
                    ds.file_meta = getattr(ds, "file_meta", None) or pydicom.dataset.FileMetaDataset()
                    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if ds.is_implicit_VR else (
                        ExplicitVRLittleEndian if ds.is_little_endian else ExplicitVRBigEndian)
                mr.drop_empty(ds); mr.lift_functional_groups(ds)
                src = path
                if ts in (mr.JPEG | mr.JLS | mr.J2K):
                    src = os.path.join(OUT, "_raw_" + f)
                    rc, _ = mr.run(["gdcmconv", "--raw", path, src])
                    if rc != 0:
                        rc, _ = mr.run((["dcmdjpls"] if ts in mr.JLS else ["dcmdjpeg"]) + [path, src])
                    if rc != 0: raise RuntimeError("no decoder")
                dsd = ds if src == path else pydicom.dcmread(src, force=True)
                if "NumberOfFrames" in dsd and mr.frames_of(dsd) == 1 and str(dsd.NumberOfFrames).strip() not in ("1", ""):
                    dsd.NumberOfFrames = 1
                a = dsd.pixel_array
                spp = int(ds.get("SamplesPerPixel", 1))
                if mr.frames_of(ds) > 1 and (a.ndim == 4 or (a.ndim == 3 and spp == 1)):
                    a = a[0]
                pi = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
                color = spp == 3 or pi == "PALETTE COLOR"
                meta = dict(rows=int(a.shape[0]), cols=int(a.shape[1]), spp=3 if a.ndim == 3 else 1,
                            bits_stored=int(ds.get("BitsStored", ds.get("BitsAllocated", 32))))
                if color:
                    meta["pi"] = str(dsd.get("PhotometricInterpretation", pi)); meta["signed"] = False
                    arr = a
                    if meta["pi"] == "PALETTE COLOR":
                        for k, c in enumerate(("Red", "Green", "Blue")):
                            desc = [int(v) for v in ds[c + "PaletteColorLookupTableDescriptor"].value]
                            idx = np.arange(desc[1], desc[1] + (desc[0] or 65536)).reshape(1, -1)
                            ent = np.asarray(apply_color_lut(idx, ds))[0, :, k]
                            meta[c.lower()] = dict(first=desc[1], bits=desc[2], entries=[int(x) for x in ent])
                else:
                    arr = mr.fix_stored(a, ds)
                    meta["pi"] = pi; meta["signed"] = int(ds.get("PixelRepresentation", 0)) == 1
                    if "RescaleSlope" in ds: meta["slope"] = float(ds.RescaleSlope)
                    if "RescaleIntercept" in ds: meta["intercept"] = float(ds.RescaleIntercept)
                    if "WindowCenter" in ds and "WindowWidth" in ds:
                        meta["wc"] = [float(x) for x in values(ds["WindowCenter"])]
                        meta["ww"] = [float(x) for x in values(ds["WindowWidth"])]
                    if "WindowCenterWidthExplanation" in ds:
                        meta["wcx"] = [str(x) for x in values(ds["WindowCenterWidthExplanation"])]
                    if "VOILUTFunction" in ds: meta["func"] = str(ds.VOILUTFunction)
                    if "PresentationLUTShape" in ds: meta["plut"] = str(ds.PresentationLUTShape)
                    if "ModalityLUTSequence" in ds: meta["mlut"] = lut_of(ds.ModalityLUTSequence[0], ds.is_little_endian)
                    if "VOILUTSequence" in ds: meta["voiluts"] = [lut_of(it, ds.is_little_endian) for it in ds.VOILUTSequence]
                ba = int(ds.get("BitsAllocated", 16))
                if arr.dtype.kind == "f":
                    dt = "f4" if arr.dtype.itemsize == 4 else "f8"
                else:
                    dt = ("i" if meta["signed"] else "u") + ("1" if ba <= 8 else "2" if ba <= 16 else "4")
                meta["dtype"] = dt
                np.ascontiguousarray(arr).astype("<" + dt).tofile(os.path.join(OUT, f + ".bin"))
                json.dump(meta, open(os.path.join(OUT, f + ".json"), "w"))
            except Exception as e:
                print(f + "\t" + type(e).__name__ + ": " + str(e)[:300].replace("\n", " "))
        """;

    /// <summary>Where the dumps are, once the script ran.</summary>
    public string? Directory { get; }

    /// <summary>Why the tests skip: the corpus or a reference tool is absent (nothing else is a reason to skip).</summary>
    public string? Absent { get; }

    /// <summary>Why every test fails: the script crashed, timed out or exited non-zero.</summary>
    public string? Failure { get; }

    /// <summary>Files the script could not dump, with pydicom's error.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; } = new Dictionary<string, string>();

    public PydicomFrameDump()
    {
        if (TestCorpus.Directory is null) { Absent = CorpusFacts.AbsentReason; return; }
        if (!ReferenceTools.IsPythonInstalled("pydicom", "numpy")) { Absent = $"{ReferenceTools.Python} with pydicom and numpy is not installed"; return; }
        var dir = Path.Combine(Path.GetTempPath(), $"dicomtools-imaging-refs-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(dir);
        var scriptPath = Path.Combine(dir, "dump.py");
        File.WriteAllText(scriptPath, Script);
        var start = new ProcessStartInfo(ReferenceTools.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { scriptPath, TestCorpus.Directory, dir }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(600_000)) { process.Kill(true); Failure = "the pydicom dump ran past 10 minutes"; return; }
        if (process.ExitCode != 0) { Failure = $"the pydicom dump exited with {process.ExitCode}: {stderr.Result}"; return; }
        Errors = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .Where(fields => fields.Length == 2)
            .ToDictionary(fields => fields[0], fields => fields[1], StringComparer.Ordinal);
        Directory = dir;
    }

    public void Dispose()
    {
        if (Directory is not null)
            try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Our renderings against reference/pydicom/*.png (make_refs.py): within one grey level on all but 0.1% of pixels.
/// </summary>
public sealed class ReferenceRenderingTests : IClassFixture<PydicomFrameDump>
{
    private readonly PydicomFrameDump _dump;

    public ReferenceRenderingTests(PydicomFrameDump dump) => _dump = dump;

    public static IEnumerable<object[]> Variants()
    {
        var index = TestCorpus.Directory is null ? null : Path.Combine(TestCorpus.Directory, "reference", "index.tsv");
        if (index is null || !File.Exists(index))
        {
            yield return new object[] { "(corpus absent)", "-" };
            yield break;
        }
        foreach (var line in File.ReadLines(index).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length > 12 && f[12] == "ok") yield return new object[] { f[0], f[1] };
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void Rendering_matches_the_pydicom_reference(string file, string variant)
    {
        CorpusFacts.RequireCorpus();
        Skip.If(_dump.Absent is not null, _dump.Absent);
        Assert.True(_dump.Failure is null, _dump.Failure);
        var json = Path.Combine(_dump.Directory!, file + ".json");
        if (!File.Exists(json))
        {
            var error = _dump.Errors.GetValueOrDefault(file, "no dump and no error reported");
            // Compressed files are decoded by gdcmconv (else dcmdjpeg / dcmdjpls) inside the script: absent, it skips.
            foreach (var tool in new[] { "gdcmconv", "dcmdjpeg", "dcmdjpls" })
            {
                if (error.Contains($"'{tool}'", StringComparison.Ordinal)) ReferenceTools.RequireTool(tool);
            }
            Assert.Fail($"pydicom could not dump {file}: {error}");
        }
        var png = Path.Combine(TestCorpus.Directory!, "reference", "pydicom", $"{file}__{variant}.png");

        var frame = FrameFromDump(file, JsonDocument.Parse(File.ReadAllText(json)).RootElement, File.ReadAllBytes(Path.ChangeExtension(json, ".bin")));
        var settings = variant switch
        {
            "window1" => new DisplaySettings { WindowIndex = 0 },
            "voilut1" => new DisplaySettings { VoiLutIndex = 0 },
            "minmax" => new DisplaySettings { AutoWindow = AutoWindowMode.MinMax },
            _ => new DisplaySettings(),
        };
        var image = DisplayRenderer.Render(frame, settings);

        byte[] expected;
        if (image.IsColor)
        {
            using var reference = Image.Load<Rgb24>(png);
            expected = new byte[reference.Width * reference.Height * 3];
            reference.CopyPixelDataTo(expected);
        }
        else
        {
            using var reference = Image.Load<L8>(png);
            expected = new byte[reference.Width * reference.Height];
            reference.CopyPixelDataTo(expected);
        }
        Assert.True(expected.Length == image.Pixels.Length, $"{file} {variant}: {image.Pixels.Length} bytes, reference {expected.Length}");
        int off = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - image.Pixels[i]);
            if (d > 1) off++;
            worst = Math.Max(worst, d);
        }
        Assert.True(off <= expected.Length / 1000,
            $"{file} {variant} ({image.VoiSource}): {off} of {expected.Length} samples differ by more than 1 (worst {worst})");
    }

    private static DicomPixelData FrameFromDump(string file, JsonElement m, byte[] samples)
    {
        string dtype = m.GetProperty("dtype").GetString()!;
        Array pixels = dtype switch
        {
            "u1" => samples,
            "i1" => MemoryMarshal.Cast<byte, sbyte>(samples).ToArray(),
            "u2" => MemoryMarshal.Cast<byte, ushort>(samples).ToArray(),
            "i2" => MemoryMarshal.Cast<byte, short>(samples).ToArray(),
            "u4" => MemoryMarshal.Cast<byte, uint>(samples).ToArray(),
            "i4" => MemoryMarshal.Cast<byte, int>(samples).ToArray(),
            "f4" => MemoryMarshal.Cast<byte, float>(samples).ToArray(),
            "f8" => MemoryMarshal.Cast<byte, double>(samples).ToArray(),
            _ => throw new InvalidDataException($"dump of {file}: unknown dtype {dtype}"),
        };
        static DicomLut Lut(JsonElement l) => new(l.GetProperty("first").GetInt32(), l.GetProperty("bits").GetInt32(),
            l.GetProperty("entries").EnumerateArray().Select(e => (ushort)e.GetInt32()).ToArray(),
            l.TryGetProperty("expl", out var x) ? x.GetString() : null);
        DicomLut? OptionalLut(string name) => m.TryGetProperty(name, out var l) ? Lut(l) : null;
        double[] Numbers(string name) => m.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(e => e.GetDouble()).ToArray() : Array.Empty<double>();
        string? Text(string name) => m.TryGetProperty(name, out var a) ? a.GetString() : null;
        double? Number(string name) => m.TryGetProperty(name, out var a) ? a.GetDouble() : null;
        return new DicomPixelData
        {
            Path = file,
            Frame = 1,
            NumberOfFrames = 1,
            Rows = m.GetProperty("rows").GetInt32(),
            Columns = m.GetProperty("cols").GetInt32(),
            SamplesPerPixel = m.GetProperty("spp").GetInt32(),
            PhotometricInterpretation = m.GetProperty("pi").GetString()!,
            BitsAllocated = dtype[1] switch { '1' => 8, '2' => 16, '4' => 32, _ => 64 },
            BitsStored = m.GetProperty("bits_stored").GetInt32(),
            IsSigned = m.GetProperty("signed").GetBoolean(),
            Pixels = pixels,
            RescaleSlope = Number("slope"),
            RescaleIntercept = Number("intercept"),
            ModalityLut = OptionalLut("mlut"),
            WindowCenter = Numbers("wc"),
            WindowWidth = Numbers("ww"),
            WindowCenterWidthExplanation = m.TryGetProperty("wcx", out var w) ? w.EnumerateArray().Select(e => e.GetString()!).ToArray() : Array.Empty<string>(),
            VOILUTFunction = Text("func"),
            PresentationLUTShape = Text("plut"),
            VoiLuts = m.TryGetProperty("voiluts", out var v) ? v.EnumerateArray().Select(Lut).ToArray() : Array.Empty<DicomLut>(),
            RedPalette = OptionalLut("red"),
            GreenPalette = OptionalLut("green"),
            BluePalette = OptionalLut("blue"),
        };
    }
}
