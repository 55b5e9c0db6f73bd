using System.Diagnostics;
using System.Text.Json;
using DicomTools.Dicom;
using DicomTools.Imaging.Presentation;
using DicomTools.Pixels;
using DicomTools.Tests.Support;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// Presentation states carrying LUT data (Softcopy VOI LUT with a VOI LUT Sequence, Presentation LUT Sequence,
/// Modality LUT Sequence) and a bitmap shutter, made by pydicom on top of dcmpsmk's state for a corpus CT. Each is
/// rendered by us, by dcmp2pgm, and by the standard's formulas in numpy (PresentationStateLutFixtures.py); we must
/// equal the formulas and stay within one level of dcmp2pgm. The shuttered pixels (which DCMTK 3.6.7 leaves out of
/// its bitmap) must hold the Shutter Presentation Value on the mask the script computes from C.7.6.15.
/// </summary>
public sealed class PresentationStateLutTests : IClassFixture<PresentationStateLutTests.Fixtures>
{
    private const string Image = "pydicom__CT_small.dcm";
    private readonly Fixtures _fixtures;

    public PresentationStateLutTests(Fixtures fixtures) => _fixtures = fixtures;

    public sealed class Fixtures : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"dicomtools-gsps-lut-{Guid.NewGuid():N}");
        private Dictionary<string, JsonElement>? _cases;

        public Dictionary<string, JsonElement> Cases
        {
            get
            {
                lock (this)
                {
                    Skip.If(TestCorpus.Directory is null, "corpus not found");
                    ReferenceTools.RequirePython("pydicom", "numpy", "PIL");
                    foreach (var tool in new[] { "dcmpsmk", "dcmp2pgm" })
                        ReferenceTools.RequireTool(tool);
                    return _cases ??= Make();
                }
            }
        }

        private Dictionary<string, JsonElement> Make()
        {
            Directory.CreateDirectory(_directory);
            var script = Path.Combine(_directory, "make.py");
            using (var stream = typeof(PresentationStateLutTests).Assembly.GetManifestResourceStream("DicomTools.Tests.Imaging.PresentationStateLutFixtures.py")!)
            using (var file = File.Create(script)) stream.CopyTo(file);
            var output = ReferenceTools.Run(ReferenceTools.Python, new[] { script, _directory, TestCorpus.PathOf(Image) });
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .ToDictionary(e => e.GetProperty("name").GetString()!);
        }

        public void Dispose()
        {
            try { Directory.Delete(_directory, true); } catch (IOException) { }
        }
    }

    [SkippableTheory]
    [InlineData("voi_lut")]
    [InlineData("presentation_lut")]
    [InlineData("modality_lut")]
    [InlineData("bitmap_shutter")]
    public void Lut_data_and_bitmap_shutters_render_as_the_standard_defines_them(string name)
    {
        var c = _fixtures.Cases[name];
        var state = GrayscalePresentationState.Read(DicomFile.Open(c.GetProperty("path").GetString()!, DicomReadOptions.Full));
        var frame = PixelDataReader.Open(TestCorpus.PathOf(Image)).ReadFrame(0);
        var image = PresentationStateRenderer.Render(frame, state, DisplaySettings.Default);
        Assert.Equal((c.GetProperty("width").GetInt32(), c.GetProperty("height").GetInt32()), (image.Width, image.Height));
        var dcmtk = Convert.FromHexString(c.GetProperty("dcmtk").GetString()!);
        var expected = Convert.FromHexString(c.GetProperty("expected").GetString()!);
        var shutter = Convert.FromHexString(c.GetProperty("shutter").GetString()!);
        byte shutterLevel = (byte)Math.Floor(c.GetProperty("value").GetInt32() * 255.0 / 65535 + 0.5);
        int shuttered = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            string at = $"{name} pixel ({i % image.Width},{i / image.Width})";
            if (shutter[i] == 1)
            {
                shuttered++;
                Assert.True(image.Pixels[i] == shutterLevel, $"{at} is shuttered: expected {shutterLevel}, got {image.Pixels[i]}");
                continue;
            }
            Assert.True(image.Pixels[i] == expected[i], $"{at}: the standard's formula gives {expected[i]}, ours {image.Pixels[i]}");
            Assert.True(Math.Abs(image.Pixels[i] - dcmtk[i]) <= 1, $"{at}: dcmp2pgm {dcmtk[i]}, ours {image.Pixels[i]}");
        }
        if (name == "bitmap_shutter") Assert.True(shuttered > 1000, $"only {shuttered} shuttered pixels");
    }

    [SkippableFact]
    public void The_bitmap_shutter_plane_is_a_shutter_not_an_overlay()
    {
        var c = _fixtures.Cases["bitmap_shutter"];
        var state = GrayscalePresentationState.Read(DicomFile.Open(c.GetProperty("path").GetString()!, DicomReadOptions.Full));
        Assert.Equal((ushort)0x6002, state.Shutters!.BitmapGroup);
        Assert.Equal(20000, state.Shutters.PresentationValue);
        var image = PresentationStateRenderer.Render(PixelDataReader.Open(TestCorpus.PathOf(Image)).ReadFrame(0), state, DisplaySettings.Default);
        Assert.Empty(image.Overlays);
    }
}
