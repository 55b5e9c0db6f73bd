using DicomTools.Imaging;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Rendering;

/// <summary>
/// Enhanced multi-frame objects whose rescale and window live only in the Functional Groups, in the three layouts
/// enhanced objects use (tests/fixtures/enhanced/make_enhanced.py): both per frame and different for every frame,
/// rescale shared with windows per frame, both shared. Truth: pydicom reads each frame's values from the functional
/// groups, and numpy applies PS3.3 C.11.1 (rescale) and C.11.2.1.2 / C.11.2.1.3 (LINEAR, LINEAR_EXACT, SIGMOID)
/// to 8 bits, rounding half up once. DCMTK 3.6.7 cannot serve as truth here: dcmj2pnm finds no window in these files.
/// </summary>
public sealed class EnhancedFunctionalGroupRenderingTests
{
    private const string Script = """
import json, sys
import numpy as np
import pydicom

def voi(x, c, w, function):
    if function == "LINEAR_EXACT":
        y = ((x - c) / w + 0.5) * 255
    elif function == "SIGMOID":
        return np.floor(255 / (1 + np.exp(-4 * (x - c) / w)) + 0.5)
    else:
        y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255
    return np.floor(np.clip(y, 0, 255) + 0.5)

for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    shared = ds.SharedFunctionalGroupsSequence[0]
    for f, own in enumerate(ds.PerFrameFunctionalGroupsSequence):
        pv = (own if "PixelValueTransformationSequence" in own else shared).PixelValueTransformationSequence[0]
        wl = (own if "FrameVOILUTSequence" in own else shared).FrameVOILUTSequence[0]
        x = ds.pixel_array[f].astype(float) * float(pv.RescaleSlope) + float(pv.RescaleIntercept)
        y = voi(x, float(wl.WindowCenter), float(wl.WindowWidth), wl.get("VOILUTFunction", "LINEAR"))
        print(json.dumps({"file": path, "frame": f, "function": wl.get("VOILUTFunction", "LINEAR"),
                          "pixels": y.astype(int).ravel().tolist()}))
""";

    [SkippableFact]
    public void Each_frame_is_rendered_with_its_own_functional_group_values()
    {
        var files = new[] { "perframe.dcm", "mixed.dcm", "shared.dcm" }.Select(n => CodecTestFiles.Fixture("enhanced", n)).ToArray();
        var expectations = PydicomScript.RunJsonLines(Script, files);
        Assert.Equal(files.Length * 4, expectations.Count);

        var functions = new HashSet<string>();
        foreach (var expected in expectations)
        {
            var path = expected.GetProperty("file").GetString()!;
            var frame = expected.GetProperty("frame").GetInt32();
            functions.Add(expected.GetProperty("function").GetString()!);
            var truth = expected.GetProperty("pixels").EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();

            var image = DisplayRenderer.Render(PixelDataReader.Open(path).ReadFrame(frame), new DisplaySettings());

            var worst = truth.Zip(image.Pixels, (t, a) => Math.Abs(t - a)).Max();
            Assert.True(worst <= 1, $"{Path.GetFileName(path)} frame {frame}: differs from the formula by up to {worst} grey levels");
        }
        Assert.Equal(new[] { "LINEAR", "LINEAR_EXACT", "SIGMOID" }, functions.OrderBy(f => f, StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Per_frame_values_really_differ()
    {
        // Guards the fixture: a renderer that used frame 0's values for every frame must fail the test above.
        var reader = PixelDataReader.Open(CodecTestFiles.Fixture("enhanced", "perframe.dcm"));
        var settings = Enumerable.Range(0, 4).Select(reader.ReadFrame)
            .Select(f => (f.RescaleSlope, f.RescaleIntercept, f.WindowCenter![0], f.WindowWidth![0], f.VOILUTFunction)).ToArray();
        Assert.Equal(4, settings.Distinct().Count());
        Assert.Null(reader.Header.Elements[DicomTools.Dicom.DicomTags.WindowCenter]);
    }

    private const string VoiLutScript = """
import json, sys
import numpy as np
import pydicom

ds = pydicom.dcmread(sys.argv[1])
pv = ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence[0]
for f, own in enumerate(ds.PerFrameFunctionalGroupsSequence):
    lut = own.FrameVOILUTSequence[0].VOILUTSequence[0]
    entries, first, bits = [int(v) for v in lut.LUTDescriptor]
    if ds.PixelRepresentation == 1 and first >= 32768:
        first -= 65536  # C.11.2.1.1: the first mapped value is signed when the values it maps are
    data = np.frombuffer(lut.LUTData, dtype="<u2")[:entries].astype(float)
    x = ds.pixel_array[f].astype(float) * float(pv.RescaleSlope) + float(pv.RescaleIntercept)
    index = np.clip(np.round(x).astype(int) - first, 0, entries - 1)
    y = np.floor(data[index] / (2 ** bits - 1) * 255 + 0.5)
    print(json.dumps({"frame": f, "explanation": str(lut.LUTExplanation), "pixels": y.astype(int).ravel().tolist()}))
""";

    /// <summary>
    /// The enhanced XA / MG / DX layout: each frame's VOI LUT inside its Frame VOI LUT item (Frame VOI LUT With LUT
    /// macro), no window anywhere. Truth: pydicom reads each frame's LUT from its functional group and numpy applies
    /// C.11.2.1.1 (index = value - first mapped, clamped; output scaled from the LUT's bit depth to 8 bits).
    /// </summary>
    [SkippableFact]
    public void Each_frame_is_rendered_through_the_voi_lut_in_its_functional_group()
    {
        var path = CodecTestFiles.Fixture("enhanced", "voilut.dcm");
        var expectations = PydicomScript.RunJsonLines(VoiLutScript, new[] { path });
        Assert.Equal(4, expectations.Count);
        var reader = PixelDataReader.Open(path);

        foreach (var expected in expectations)
        {
            var frame = expected.GetProperty("frame").GetInt32();
            var truth = expected.GetProperty("pixels").EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();

            var image = DisplayRenderer.Render(reader.ReadFrame(frame), new DisplaySettings());

            Assert.Equal($"VOI LUT 1 ({expected.GetProperty("explanation").GetString()})", image.VoiSource);
            var worst = truth.Zip(image.Pixels, (t, a) => Math.Abs(t - a)).Max();
            Assert.True(worst == 0, $"voilut.dcm frame {frame}: differs from the LUT by up to {worst} grey levels");
        }
    }
}
