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
}
