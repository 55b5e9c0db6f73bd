using System.Text.Json;
using DicomTools.Dicom;
using DicomTools.Imaging.Presentation;
using DicomTools.Pixels;
using DicomTools.Tests.Support;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// Displayed Area Selection (PS3.3 C.10.4) and PIXEL / DISPLAY coordinates of graphic annotations (C.10.5.1.2) on an
/// image whose every pixel has its own value, so the output says which image pixel landed where. Expected pictures
/// come from numpy formulas written from the standard's text (PresentationStateAreaFixtures.py); where DCMTK renders a
/// displayed area (dcmpsprt's print bitmap: crop, area beyond the image, rotation; it prints unscaled) we must also
/// equal DCMTK. dcmp2pgm ignores the displayed area and draws no graphic annotations, so it is no reference here.
/// Decisions (README, rendering notes): SCALE TO FIT and TRUE SIZE give the area unscaled, MAGNIFY scales it, a
/// non-square displayed pixel stretches its longer side, outside the image is black, nearest neighbour sampling.
/// </summary>
public sealed class PresentationStateAreaTests : IClassFixture<PresentationStateAreaTests.Fixtures>
{
    private readonly Fixtures _fixtures;

    public PresentationStateAreaTests(Fixtures fixtures) => _fixtures = fixtures;

    public sealed class Fixtures() : EmbeddedScriptFixture("PresentationStateAreaFixtures.py")
    {
        protected override void RequireTools()
        {
            ReferenceTools.RequirePython("pydicom", "numpy");
            ReferenceTools.RequireTool("dcmpsprt");
        }
    }

    [SkippableTheory]
    [InlineData("fit_beyond")]
    [InlineData("rotated_crop")]
    [InlineData("magnify")]
    [InlineData("true_size_spacing")]
    [InlineData("aspect_wide")]
    [InlineData("graphics_magnified_rotated")]
    public void The_displayed_area_and_pixel_coordinates_follow_the_standard(string name)
    {
        var c = _fixtures.Cases[name];
        var state = GrayscalePresentationState.Read(DicomFile.Open(c.GetProperty("path").GetString()!, DicomReadOptions.Full));
        var frame = PixelDataReader.Open(c.GetProperty("image").GetString()!).ReadFrame(0);
        var image = PresentationStateRenderer.Render(frame, state, DisplaySettings.Default);
        Assert.Equal((c.GetProperty("width").GetInt32(), c.GetProperty("height").GetInt32()), (image.Width, image.Height));
        AssertPixels(name, "the standard's formula", Convert.FromHexString(c.GetProperty("expected").GetString()!), image);
        if (c.TryGetProperty("dcmtk", out var dcmtk))
        {
            Assert.Equal((c.GetProperty("dcmtkWidth").GetInt32(), c.GetProperty("dcmtkHeight").GetInt32()), (image.Width, image.Height));
            AssertPixels(name, "dcmpsprt", Convert.FromHexString(dcmtk.GetString()!), image);
        }
    }

    private static void AssertPixels(string name, string reference, byte[] expected, DicomTools.DicomDisplayImage image)
    {
        Assert.Equal(expected.Length, image.Pixels.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i] == image.Pixels[i],
                $"{name} output pixel ({i % image.Width},{i / image.Width}): {reference} {expected[i]}, ours {image.Pixels[i]}");
    }
}
