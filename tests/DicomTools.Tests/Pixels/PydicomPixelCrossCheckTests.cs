using System.Text.Json;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// Native (uncompressed) corpus images unpacked by us and by pydicom 2.3.1's pixel_array (numpy), compared by
/// sample count, range and a position-weighted checksum of the first and last frame: byte order, planar
/// configuration, 1-bit packing, YBR_FULL_422 expansion, signedness and float data from a second implementation.
/// pydicom 2.3 leaves the bits above the High Bit as stored, so for Bits Stored &lt; Bits Allocated the script applies
/// the PS3.5 section 8 rule (shift down from the High Bit, keep Bits Stored bits, two's complement when signed) to
/// pydicom's container values.
/// </summary>
public sealed class PydicomPixelCrossCheckTests
{
    private const string SummaryScript = """
import sys, json, os, warnings
warnings.simplefilter("ignore")
import numpy as np
import pydicom
NATIVE = {'1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'}
def summary(frame):
    flat = frame.ravel()
    n = flat.size
    if flat.dtype.kind == 'f':
        return {'n': n, 'min': float(flat.min()), 'max': float(flat.max()), 'sum': float(flat.astype(np.float64).sum())}
    w = (np.arange(n, dtype=np.uint64) % np.uint64(1000)) + np.uint64(1)
    acc = int((flat.astype(np.int64).astype(np.uint64) * w).sum(dtype=np.uint64))
    return {'n': n, 'min': int(flat.min()), 'max': int(flat.max()), 'check': str(acc)}
for path in sys.argv[1:]:
    name = os.path.basename(path)
    try:
        ds = pydicom.dcmread(path, force=True)
        meta = getattr(ds, 'file_meta', None)
        ts = str(meta.TransferSyntaxUID) if meta is not None and 'TransferSyntaxUID' in meta else ''
        if ts and ts not in NATIVE:
            continue
        if not any(t in ds for t in ('PixelData', 'FloatPixelData', 'DoubleFloatPixelData')):
            continue
        arr = ds.pixel_array
        ba, bs = int(ds.BitsAllocated), int(getattr(ds, 'BitsStored', ds.BitsAllocated))
        if arr.dtype.kind in 'iu' and ba in (8, 16, 32) and bs < ba:
            # pydicom 2.3 returns the container as stored; PS3.5 8 and Annex D say the sample is Bits Stored bits
            # ending at the High Bit, two's complement when Pixel Representation is 1.
            hb = int(getattr(ds, 'HighBit', bs - 1))
            u = arr.astype(np.int64) & ((1 << ba) - 1)  # the container's bits, whatever its byte order or sign
            v = (u >> (hb + 1 - bs)) & ((1 << bs) - 1)
            if int(getattr(ds, 'PixelRepresentation', 0)) == 1:
                v = np.where(v & (1 << (bs - 1)), v - (1 << bs), v)
            arr = v
        frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
        first, last = (arr[0], arr[-1]) if frames > 1 else (arr, arr)
        print(json.dumps({'file': name, 'frames': frames, 'first': summary(first), 'last': summary(last)}))
    except Exception as ex:
        print(json.dumps({'file': name, 'error': repr(ex)}))
""";

    [SkippableFact]
    public void Native_corpus_frames_unpack_as_pydicom_unpacks_them()
    {
        CorpusFacts.RequireCorpus();
        PydicomScript.RequirePython();
        var files = Directory.GetFiles(TestCorpus.Directory!, "*.dcm")
            .Where(f => !Path.GetFileName(f).StartsWith("broken__", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();

        var problems = new List<string>();
        var compared = 0;
        foreach (var expected in RunPydicom(files))
        {
            var name = expected.GetProperty("file").GetString()!;
            if (expected.TryGetProperty("error", out _)) continue;
            try
            {
                var reader = PixelDataReader.Open(Path.Combine(TestCorpus.Directory!, name));
                var frames = expected.GetProperty("frames").GetInt32();
                if (reader.NumberOfFrames != frames)
                {
                    problems.Add($"{name}: {reader.NumberOfFrames} frames, pydicom {frames}");
                    continue;
                }
                CompareFrame($"{name} frame 0", reader.ReadFrame(0).Pixels, expected.GetProperty("first"), problems);
                CompareFrame($"{name} frame {frames - 1}", reader.ReadFrame(frames - 1).Pixels, expected.GetProperty("last"), problems);
                compared++;
            }
            catch (Exception e) when (e is DicomReadException or PixelDataException)
            {
                problems.Add($"{name}: pydicom unpacks it, we fail: {e.Message}");
            }
        }

        Assert.True(compared >= 40, $"only {compared} native files compared");
        Assert.True(problems.Count == 0, $"{problems.Count} difference(s) from pydicom:\n" + string.Join("\n", problems));
    }

    private static void CompareFrame(string where, Array pixels, JsonElement expected, List<string> problems)
    {
        var n = expected.GetProperty("n").GetInt64();
        if (pixels.Length != n)
        {
            problems.Add($"{where}: {pixels.Length} samples, pydicom {n}");
            return;
        }
        if (expected.TryGetProperty("sum", out var sumElement))
        {
            var values = pixels.Cast<object>().Select(Convert.ToDouble).ToArray();
            var (min, max, sum) = (values.Min(), values.Max(), values.Sum());
            var expectedSum = sumElement.GetDouble();
            if (min != expected.GetProperty("min").GetDouble() || max != expected.GetProperty("max").GetDouble() ||
                Math.Abs(sum - expectedSum) > 1e-9 * Math.Max(1, Math.Abs(expectedSum)))
                problems.Add($"{where}: min/max/sum {min}/{max}/{sum}, pydicom {expected}");
            return;
        }
        // By exact type: the CLR lets a short[] pass as a ushort[] (and sbyte[] as byte[]), which would hide the sign.
        var type = pixels.GetType();
        IEnumerable<long> integers =
            type == typeof(byte[]) ? ((byte[])pixels).Select(v => (long)v) :
            type == typeof(sbyte[]) ? ((sbyte[])pixels).Select(v => (long)v) :
            type == typeof(ushort[]) ? ((ushort[])pixels).Select(v => (long)v) :
            type == typeof(short[]) ? ((short[])pixels).Select(v => (long)v) :
            type == typeof(uint[]) ? ((uint[])pixels).Select(v => (long)v) :
            type == typeof(int[]) ? ((int[])pixels).Select(v => (long)v) :
            throw new InvalidOperationException($"{where}: unexpected sample type {type}");
        long minimum = long.MaxValue, maximum = long.MinValue;
        ulong check = 0;
        var i = 0L;
        foreach (var v in integers)
        {
            minimum = Math.Min(minimum, v);
            maximum = Math.Max(maximum, v);
            unchecked { check += (ulong)v * (ulong)(i % 1000 + 1); }
            i++;
        }
        var expectedCheck = ulong.Parse(expected.GetProperty("check").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        if (minimum != expected.GetProperty("min").GetInt64() || maximum != expected.GetProperty("max").GetInt64() || check != expectedCheck)
            problems.Add($"{where}: min/max/check {minimum}/{maximum}/{check}, pydicom {expected}");
    }

    private static List<JsonElement> RunPydicom(string[] files) => PydicomScript.RunJsonLines(SummaryScript, files);
}
