using System.Diagnostics;
using System.Text.Json;
using DicomTools.Imaging;
using DicomTools.Pixels;
using DicomTools.Tests.Support;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// Overlay planes (60xx, PS3.3 C.9.2) burned into display images, checked against DCMTK's dcmj2pnm (overlays in
/// "replace" mode, white at the display maximum) on fixtures pydicom writes at test time: several planes with
/// origins that put part of a plane outside the image, a multi-frame overlay starting at a later image frame,
/// retired overlays in the unused high bits of Pixel Data, big-endian OW overlay data, and a colour image (where
/// DCMTK draws none, so the expected image is the definition: set bits take the overlay colour).
/// Pixels are compared exactly wherever our rendering without overlays equals dcmj2pnm's without overlays.
/// </summary>
public sealed class OverlayTests : IClassFixture<OverlayTests.Fixtures>
{
    private readonly Fixtures _fixtures;

    public OverlayTests(Fixtures fixtures) => _fixtures = fixtures;

    public sealed class Fixtures() : EmbeddedScriptFixture("OverlayFixtures.py")
    {
        protected override void RequireTools()
        {
            ReferenceTools.RequirePython("pydicom", "numpy", "PIL");
            ReferenceTools.RequireTool("dcmj2pnm");
        }
    }

    private static byte[] Hex(JsonElement e) => Convert.FromHexString(e.GetString()!);

    private void CompareWithDcmtk(string name)
    {
        var c = _fixtures.Cases[name];
        var reader = PixelDataReader.Open(c.GetProperty("path").GetString()!);
        var frames = c.GetProperty("frames").EnumerateArray().Select(f => f.GetInt32()).ToArray();
        var on = c.GetProperty("on").EnumerateArray().Select(Hex).ToArray();
        var off = c.GetProperty("off").EnumerateArray().Select(Hex).ToArray();
        int drawn = 0;
        for (int k = 0; k < frames.Length; k++)
        {
            var frame = reader.ReadFrame(frames[k] - 1);
            var with = DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 0 });
            var without = DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 0, NoOverlays = true });
            Assert.Empty(without.Overlays);
            drawn += CompareBurnedIn(name, frames[k], frame.Columns, on[k], off[k], with.Pixels, without.Pixels);
        }
        Assert.True(drawn > 0, $"{name}: dcmj2pnm drew no overlay pixel, so the comparison proves nothing");
    }

    /// <summary>
    /// Where dcmj2pnm drew (its renderings with and without overlays differ) we must show white, and where we drew,
    /// dcmj2pnm must show white: the overlay's position, whatever the window. Elsewhere, wherever the two renderings
    /// without overlays agree (DCMTK rounds some window levels one lower than C.11.2.1.2), they must agree with them.
    /// Returns the number of pixels dcmj2pnm drew.
    /// </summary>
    private static int CompareBurnedIn(string name, int frameNumber, int columns, byte[] on, byte[] off, byte[] with, byte[] without)
    {
        int drawn = 0, agree = 0;
        string At(int i) => $"{name} frame {frameNumber} pixel ({i % columns},{i / columns})";
        for (int i = 0; i < on.Length; i++)
        {
            if (on[i] != off[i])
            {
                drawn++;
                Assert.True(with[i] == 255, $"{At(i)}: dcmj2pnm draws the overlay there, we show {with[i]}");
            }
            if (with[i] != without[i]) Assert.True(on[i] == 255, $"{At(i)}: we draw an overlay there, dcmj2pnm shows {on[i]}");
            if (without[i] != off[i]) continue;
            agree++;
            Assert.True(on[i] == with[i], $"{At(i)}: dcmj2pnm {on[i]}, ours {with[i]} with overlays");
        }
        Assert.True(agree >= on.Length / 4, $"{name} frame {frameNumber}: only {agree} of {on.Length} pixels agree without overlays");
        return drawn;
    }

    [SkippableFact]
    public void Planes_clipped_at_every_edge_match_dcmj2pnm() => CompareWithDcmtk("grey.dcm");

    [SkippableFact]
    public void Big_endian_OW_overlay_data_matches_dcmj2pnm() => CompareWithDcmtk("grey_be.dcm");

    [SkippableFact]
    public void Multi_frame_overlay_from_Image_Frame_Origin_matches_dcmj2pnm()
    {
        CompareWithDcmtk("multiframe.dcm");
        var reader = PixelDataReader.Open(_fixtures.Cases["multiframe.dcm"].GetProperty("path").GetString()!);
        Assert.Empty(reader.ReadFrame(0).Overlays);
        Assert.Single(reader.ReadFrame(1).Overlays);
        Assert.Single(reader.ReadFrame(2).Overlays);
    }

    [SkippableFact]
    public void Retired_overlays_in_high_bits_match_dcmj2pnm_and_stay_out_of_the_pixel_values()
    {
        CompareWithDcmtk("embedded.dcm");
        var c = _fixtures.Cases["embedded.dcm"];
        var frame = PixelDataReader.Open(c.GetProperty("path").GetString()!).ReadFrame(0);
        var clean = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(Hex(c.GetProperty("clean"))).ToArray();
        Assert.Equal(clean, (ushort[])frame.Pixels);
        Assert.Equal(new ushort[] { 0x6000, 0x6002 }, frame.Overlays.Select(o => o.Group));
    }

    [SkippableFact]
    public void Display_image_records_the_planes_drawn()
    {
        var c = _fixtures.Cases["grey.dcm"];
        var frame = PixelDataReader.Open(c.GetProperty("path").GetString()!).ReadFrame(0);
        var image = DisplayRenderer.Render(frame, DisplaySettings.Default);
        Assert.Equal(new ushort[] { 0x6000, 0x6002, 0x601E }, image.Overlays.Select(o => o.Group));
        Assert.Equal("ROI", image.Overlays[1].TypeName);
        Assert.Equal("roi", image.Overlays[1].Description);
        Assert.Equal((55, 70), (image.Overlays[1].OriginRow, image.Overlays[1].OriginColumn));
    }

    [SkippableFact]
    public void Colour_images_take_the_chosen_overlay_colour()
    {
        var c = _fixtures.Cases["rgb.dcm"];
        var frame = PixelDataReader.Open(c.GetProperty("path").GetString()!).ReadFrame(0);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { OverlayColor = System.Drawing.Color.Red });
        Assert.Equal(Hex(c.GetProperty("expected_red")), image.Pixels);
        Assert.Single(image.Overlays);
    }

    [SkippableFact]
    public void Sixteen_bit_output_draws_overlays_at_65535()
    {
        var c = _fixtures.Cases["grey.dcm"];
        var frame = PixelDataReader.Open(c.GetProperty("path").GetString()!).ReadFrame(0);
        var eight = DisplayRenderer.Render(frame, DisplaySettings.Default);
        var sixteen = DisplayRenderer.RenderGrey16(frame, DisplaySettings.Default);
        var plain16 = DisplayRenderer.RenderGrey16(frame, DisplaySettings.Default with { NoOverlays = true });
        var plain8 = DisplayRenderer.Render(frame, DisplaySettings.Default with { NoOverlays = true });
        for (int i = 0; i < sixteen.Length; i++)
        {
            bool drawn = eight.Pixels[i] == 255 && plain8.Pixels[i] != 255;
            if (drawn) Assert.Equal(ushort.MaxValue, sixteen[i]);
            else if (eight.Pixels[i] != 255) Assert.Equal(plain16[i], sixteen[i]);
        }
    }

    [SkippableFact]
    public void Siemens_corpus_overlay_matches_dcmj2pnm()
    {
        Skip.If(TestCorpus.Directory is null, "corpus not found");
        ReferenceTools.RequireTool("dcmj2pnm");
        var path = TestCorpus.PathOf("pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm");
        var on = Dcmj2pnm(path);
        var off = Dcmj2pnm(path, "-O");
        var frame = PixelDataReader.Open(path).ReadFrame(0);
        var with = DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 0 });
        var without = DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 0, NoOverlays = true });
        Assert.Equal("6000 Graphics 484x484: Siemens MedCom Object Graphics", with.Overlays.Single().ToString());
        Assert.True(CompareBurnedIn("MR-SIEMENS-DICOM-WithOverlays", 1, frame.Columns, on, off, with.Pixels, without.Pixels) > 100);
    }

    /// <summary>dcmj2pnm's 8-bit PGM of frame 1 with the file's first window (overlays in replace mode).</summary>
    private static byte[] Dcmj2pnm(string path, params string[] options)
    {
        var output = Path.Combine(Path.GetTempPath(), $"dicomtools-{Guid.NewGuid():N}.pgm");
        try
        {
            var start = new ProcessStartInfo("dcmj2pnm") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "+Wi", "1", "+Omr" }.Concat(options).Concat(new[] { path, output })) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var err = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"dcmj2pnm failed: {err}");
            return Pgm(File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>The samples of a binary 8-bit PGM (P5: magic, width, height, maxval, one whitespace, data).</summary>
    private static byte[] Pgm(byte[] file)
    {
        int pos = 0, fields = 0;
        while (fields < 4)
        {
            while (char.IsWhiteSpace((char)file[pos])) pos++;
            if (file[pos] == '#') { while (file[pos] != '\n') pos++; continue; }
            while (!char.IsWhiteSpace((char)file[pos])) pos++;
            fields++;
        }
        return file[(pos + 1)..];
    }
}
