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
/// its bitmap) must hold the Shutter Presentation Value on the mask the script computes from C.7.6.15, and an overlay
/// the state activates shows over the shutter (PS3.4 N.2.3: shutter, then image-space annotations).
/// </summary>
public sealed class PresentationStateLutTests : IClassFixture<PresentationStateLutTests.Fixtures>
{
    private const string Image = "pydicom__CT_small.dcm";
    private readonly Fixtures _fixtures;

    public PresentationStateLutTests(Fixtures fixtures) => _fixtures = fixtures;

    public sealed class Fixtures() : EmbeddedScriptFixture("PresentationStateLutFixtures.py")
    {
        protected override void RequireTools()
        {
            Skip.If(TestCorpus.Directory is null, "corpus not found");
            ReferenceTools.RequirePython("pydicom", "numpy", "PIL");
            foreach (var tool in new[] { "dcmpsmk", "dcmp2pgm" })
                ReferenceTools.RequireTool(tool);
        }

        protected override IEnumerable<string> ScriptArguments() => new[] { TestCorpus.PathOf(Image) };
    }

    [SkippableTheory]
    [InlineData("voi_lut")]
    [InlineData("presentation_lut")]
    [InlineData("modality_lut")]
    [InlineData("bitmap_shutter")]
    [InlineData("overlay_over_shutter")]
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
        var noDcmtk = Convert.FromHexString(c.GetProperty("nodcmtk").GetString()!);
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
            if (noDcmtk[i] == 0)
                Assert.True(Math.Abs(image.Pixels[i] - dcmtk[i]) <= 1, $"{at}: dcmp2pgm {dcmtk[i]}, ours {image.Pixels[i]}");
        }
        if (name.Contains("shutter", StringComparison.Ordinal)) Assert.True(shuttered > 1000, $"only {shuttered} shuttered pixels");
        if (name == "overlay_over_shutter") Assert.Equal(new[] { (ushort)0x6000 }, image.Overlays.Select(o => o.Group));
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
    [Fact]
    public void A_pydicom_written_state_with_lut_data_a_bitmap_shutter_and_magnify_is_read_and_rendered_to_its_size()
    {
        string path = "";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null && path.Length == 0; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "presentation", "gsps_lut_bitmap_magnify.pr.dcm");
            if (File.Exists(candidate)) path = candidate;
        }
        Assert.True(path.Length > 0, "tests/fixtures/presentation/gsps_lut_bitmap_magnify.pr.dcm not found");
        var state = GrayscalePresentationState.Read(DicomFile.Open(path, DicomReadOptions.Full));
        // Written by pydicom: Modality LUT 256 entries from -3000 (stored as US 62536), 16 bits; VOI LUT 300 entries,
        // 12 bits; Presentation LUT 4096 entries, 10 bits; shutters BITMAP (group 6004) and CIRCULAR, CIELab L* 40000
        // and no Shutter Presentation Value; MAGNIFY 1.5 of columns -3..30, rows 2..40, pixel spacing 0.4\0.2.
        Assert.Equal((256, 62536, 16), (state.ModalityLut!.EntryCount, state.ModalityLut.FirstMappedValue, state.ModalityLut.BitsPerEntry));
        Assert.Equal(-3000, state.ModalityLut.FirstMappedValueFor(signedInput: true));
        Assert.Equal((300, 12), (state.Vois[0].Lut!.EntryCount, state.Vois[0].Lut!.BitsPerEntry));
        Assert.Equal((4096, 10, 1023), (state.PresentationLut!.EntryCount, state.PresentationLut.BitsPerEntry, (int)state.PresentationLut.Entries[0]));
        Assert.Equal((ushort)0x6004, state.Shutters!.BitmapGroup);
        Assert.NotNull(state.Shutters.Circle);
        Assert.Equal(40000, state.Shutters.PresentationValue);
        var area = state.AreaFor("2.25.8009", 1)!;
        Assert.Equal(("MAGNIFY", 1.5, 2.0), (area.SizeMode, area.Magnification, area.AspectRatio));
        var pixels = new short[48 * 32];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (short)(i * 7 - 3000);
        var frame = new DicomPixelData
        {
            Path = "frame.dcm", Frame = 0, NumberOfFrames = 1, Rows = 48, Columns = 32, SamplesPerPixel = 1,
            PhotometricInterpretation = "MONOCHROME2", BitsAllocated = 16, BitsStored = 16, IsSigned = true, Pixels = pixels,
            SOPInstanceUID = "2.25.8009",
        };
        var image = PresentationStateRenderer.Render(frame, state, DisplaySettings.Default);
        // 34 x 39 area pixels, 1.5 wide and 3 high each (vertical spacing twice the horizontal), then turned 270 degrees.
        Assert.Equal((117, 51), (image.Width, image.Height));
    }
}
