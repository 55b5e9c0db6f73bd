using DicomTools.Imaging;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>Modality LUT stage (PS3.3 C.11.1) and VOI LUT Sequence (C.11.2.1.1).</summary>
public sealed class ModalityAndVoiLutTests
{
    [Fact]
    public void Rescale_with_non_integer_slope_is_applied_before_the_window()
    {
        // Modality value = stored x 0.37 - 10.25 (C.11.1.1.2), then LINEAR c = 0, w = 100.
        var stored = TestFrames.Range16(0, 4095);
        var frame = TestFrames.Grey(stored, 12, false, slope: 0.37, intercept: -10.25);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = 0, Width = 100 });
        for (int x = 0; x < stored.Length; x++)
            Assert.Equal(Standard.Round(Standard.Linear(x * 0.37 - 10.25, 0, 100, 255), 255), image.Pixels[x]);
        // By hand: x = 28 -> 0.11 -> ((0.11 + 0.5) / 99 + 0.5) * 255 = 129.07 -> 129.
        Assert.Equal(129, image.Pixels[28]);
    }

    [Fact]
    public void Rescale_alone_intercept_or_slope_defaults_the_other()
    {
        var frame = TestFrames.Grey(new ushort[] { 0, 1024, 2048 }, 12, false, intercept: -1024);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = 0.5, Width = 2 });
        // modality -1024, 0, 1024: c - 0.5 = 0, so -1024 -> 0, 0 -> 0.5 * 255 = 127.5 -> 128, 1024 -> 255.
        Assert.Equal(new byte[] { 0, 128, 255 }, image.Pixels);
    }

    [Theory]
    [InlineData(63488)] // -2048 as the descriptor reads when its VR is US
    [InlineData(-2048)] // the same when read as SS
    public void Modality_lut_with_signed_first_mapped_value(int firstMapped)
    {
        // Like pydicomdata__mlut_18.dcm: 12-bit signed input, 4096 entries e[i] = 16 i, first mapped -2048.
        var entries = Enumerable.Range(0, 4096).Select(i => (ushort)(16 * i)).ToArray();
        var lut = new DicomLut(firstMapped, 16, entries);
        var stored = new short[] { -2048, -1, 0, 2047 };
        // Expected modality values 0, 16 x 2047, 16 x 2048, 16 x 4095; window c = 32768, w = 65536 over them.
        var modality = new[] { 0.0, 32752, 32768, 65520 };
        var frame = TestFrames.Grey(stored, 12, true, modalityLut: lut, slope: 5, intercept: 100);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = 32768, Width = 65536 });
        Assert.Equal(modality.Select(m => (byte)Standard.Round(Standard.Linear(m, 32768, 65536, 255), 255)), image.Pixels);
        Assert.Equal(0, frame.ModalityMinimum);
        Assert.Equal(65520, frame.ModalityMaximum);
    }

    [Fact]
    public void Modality_lut_clamps_below_the_first_and_above_the_last_entry()
    {
        // first mapped 10, entries 100, 200, 300: 0 -> 100 (below), 11 -> 200, 50 -> 300 (above).
        var lut = new DicomLut(10, 16, new ushort[] { 100, 200, 300 });
        var frame = TestFrames.Grey(new ushort[] { 0, 11, 50 }, 8, false, modalityLut: lut);
        Assert.Equal(100, frame.ModalityMinimum);
        Assert.Equal(300, frame.ModalityMaximum);
        // min-max over 100..300: 100 -> 0, 200 -> 127.5 -> 128, 300 -> 255.
        Assert.Equal(new byte[] { 0, 128, 255 }, DisplayRenderer.Render(frame, new DisplaySettings()).Pixels);
    }

    [Fact]
    public void Empty_modality_lut_is_absent_and_rescale_applies()
    {
        var frame = TestFrames.Grey(new ushort[] { 0, 10 }, 8, false, modalityLut: new DicomLut(0, 16, Array.Empty<ushort>()),
            slope: 2, intercept: 1);
        Assert.Equal(1, frame.ModalityMinimum);
        Assert.Equal(21, frame.ModalityMaximum);
    }

    [Fact]
    public void Non_monotonic_modality_lut_min_max_is_over_the_values_present()
    {
        // Entries go up then down: stored 0 -> 50, 1 -> 900, 2 -> 5. Only stored 0 and 2 are present.
        var lut = new DicomLut(0, 16, new ushort[] { 50, 900, 5 });
        var frame = TestFrames.Grey(new ushort[] { 0, 2, 2, 0 }, 8, false, modalityLut: lut);
        Assert.Equal(5, frame.ModalityMinimum);
        Assert.Equal(50, frame.ModalityMaximum);
    }

    public static TheoryData<int, int> VoiLutCases => new()
    {
        { -1024, 12 }, { 64512, 12 }, { -1024, 16 }, { 64512, 16 },
    };

    [Theory]
    [MemberData(nameof(VoiLutCases))]
    public void Voi_lut_with_signed_first_mapped_value_and_12_or_16_bit_entries(int firstMapped, int bits)
    {
        // 4096 entries rising linearly to the top of their range, first mapped -1024 (like
        // derived__CT_small_voilut_2luts_12bit.dcm). Modality values are signed (rescale intercept -1024), so a
        // descriptor value of 64512 is -1024.
        int top = (1 << bits) - 1;
        var entries = Enumerable.Range(0, 4096).Select(i => (ushort)Math.Round(i * (double)top / 4095)).ToArray();
        var lut = new DicomLut(firstMapped, bits, entries, "RAMP");
        var stored = new ushort[] { 0, 1023, 1024, 2024, 4095, 5119, 6000 };
        var frame = TestFrames.Grey(stored, 16, false, slope: 1, intercept: -1024, voiLuts: new[] { lut });
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        // C.11.2.1.1: index = modality value - (-1024), clamped to 0..4095; output = entry / (2^bits - 1) x 255.
        var expected = stored.Select(s =>
        {
            int index = Math.Clamp(s - 1024 + 1024, 0, 4095);
            return (byte)Standard.Round(entries[index] / (double)top * 255, 255);
        });
        Assert.Equal(expected, image.Pixels);
        // By hand: modality 1000 (stored 2024) -> entry 2024 -> 2024 / 4095 x 255 = 126.04 -> 126.
        Assert.Equal(126, image.Pixels[3]);
        Assert.Equal("VOI LUT 1 (RAMP)", image.VoiSource);
        Assert.Null(image.WindowCenter);
        Assert.Null(image.VoiFunction);
    }

    [Fact]
    public void Voi_lut_on_unsigned_input_keeps_a_large_first_mapped_value()
    {
        // Unsigned input without rescale: 64512 is a real stored value, not -1024.
        var lut = new DicomLut(64512, 8, new ushort[] { 0, 128, 255 });
        var frame = TestFrames.Grey(new ushort[] { 0, 64512, 64513, 65535 }, 16, false, voiLuts: new[] { lut });
        Assert.Equal(new byte[] { 0, 0, 128, 255 }, DisplayRenderer.Render(frame, new DisplaySettings()).Pixels);
    }

    [Fact]
    public void File_window_wins_over_voi_lut_and_voi_lut_index_selects_the_lut()
    {
        var lut = new DicomLut(0, 8, Enumerable.Range(0, 256).Select(i => (ushort)(255 - i)).ToArray());
        var frame = TestFrames.Grey(new byte[] { 0, 100, 255 }, 8, false, centers: new[] { 127.5 }, widths: new[] { 256.0 },
            voiLuts: new[] { lut });
        var byDefault = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal("file window 1", byDefault.VoiSource);
        var byLut = DisplayRenderer.Render(frame, new DisplaySettings { VoiLutIndex = 0 });
        Assert.Equal(new byte[] { 255, 155, 0 }, byLut.Pixels);
        Assert.Equal("VOI LUT 1", byLut.VoiSource);
        var ex = Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(frame, new DisplaySettings { VoiLutIndex = 1 }));
        Assert.Contains("1 VOI LUT", ex.Message);
    }

    [Fact]
    public void Voi_lut_is_the_default_without_windows_and_empty_luts_are_absent()
    {
        var empty = new DicomLut(0, 8, Array.Empty<ushort>());
        var lut = new DicomLut(0, 8, new ushort[] { 10, 20, 30 });
        var frame = TestFrames.Grey(new byte[] { 0, 1, 2 }, 8, false, voiLuts: new[] { empty, lut });
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal(new byte[] { 10, 20, 30 }, image.Pixels);
        Assert.Equal("VOI LUT 1", image.VoiSource);
    }
}
