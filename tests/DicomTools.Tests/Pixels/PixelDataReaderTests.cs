using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// From file to <see cref="DicomPixelData"/>: the layout the header implies (byte order from the transfer syntax,
/// High Bit, planar configuration, YBR_FULL_422, float pixel data) and each frame's display attributes, from the
/// top level or the frame's Functional Groups.
/// </summary>
public sealed class PixelDataReaderTests
{
    private static PixelDataReader Open(TempDicomFile temp) => PixelDataReader.Open(temp.Open());

    [Fact]
    public void Signed_twelve_bit_frames_with_per_frame_windows()
    {
        var body = new DicomBytes()
            .Text(0x0008, 0x0018, "UI", "1.2.3.9")
            .Text(0x0008, 0x0060, "CS", "CT")
            .Text(0x0028, 0x0008, "IS", "2")
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2)
            .US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 12).US(0x0028, 0x0102, 11).US(0x0028, 0x0103, 1)
            .Sequence(0x5200, 0x9229, false, shared => shared.Item(false, g => g
                .Sequence(0x0028, 0x9145, false, s => s.Item(false, m => m
                    .Text(0x0028, 0x1052, "DS", "-1024").Text(0x0028, 0x1053, "DS", "1").Text(0x0028, 0x1054, "LO", "HU")))))
            .Sequence(0x5200, 0x9230, false, perFrame => perFrame
                .Item(false, g => g.Sequence(0x0028, 0x9132, false, s => s.Item(false, m => m
                    .Text(0x0028, 0x1050, "DS", "40").Text(0x0028, 0x1051, "DS", "400").Text(0x0028, 0x1055, "LO", "SOFT"))))
                .Item(false, g => g.Sequence(0x0028, 0x9132, false, s => s.Item(false, m => m
                    .Text(0x0028, 0x1050, "DS", "300\\500").Text(0x0028, 0x1051, "DS", "2000\\2500").Text(0x0028, 0x1056, "CS", "sigmoid")))));
        // Frame 0: 0xF001 -> 0x001 = 1, 0x0800 -> -2048; frame 1: 0x0FFF -> -1, 0x77FF -> 0x7FF = 2047.
        body.Element(0x7FE0, 0x0010, "OW", body.Words(0xF001, 0x0800, 0x0FFF, 0x77FF));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var first = reader.ReadFrame(0);
        var second = reader.ReadFrame(1);

        Assert.Equal(2, reader.NumberOfFrames);
        Assert.Equal(new short[] { 1, -2048 }, first.Pixels);
        Assert.Equal(new short[] { -1, 2047 }, second.Pixels);
        Assert.True(first.IsSigned);
        Assert.Equal(12, first.BitsStored);
        Assert.Equal("1.2.3.9", first.SOPInstanceUID);
        Assert.Equal("CT", first.Modality);
        Assert.Equal(DicomBytes.ExplicitLE, first.TransferSyntaxUID);
        Assert.Equal(1.0, first.RescaleSlope);
        Assert.Equal(-1024.0, second.RescaleIntercept);
        Assert.Equal("HU", second.RescaleType);
        Assert.Equal(new[] { 40.0 }, first.WindowCenter);
        Assert.Equal(new[] { 400.0 }, first.WindowWidth);
        Assert.Equal(new[] { "SOFT" }, first.WindowCenterWidthExplanation);
        Assert.Null(first.VOILUTFunction);
        Assert.Equal(new[] { 300.0, 500.0 }, second.WindowCenter);
        Assert.Equal(new[] { 2000.0, 2500.0 }, second.WindowWidth);
        Assert.Equal("SIGMOID", second.VOILUTFunction);
        Assert.Equal(1, second.Frame);
    }

    [Fact]
    public void Unpaired_window_values_and_half_a_rescale_are_ignored()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 1).US(0x0028, 0x0100, 8)
            .Text(0x0028, 0x1050, "DS", "40\\80").Text(0x0028, 0x1051, "DS", "400")
            .Text(0x0028, 0x1053, "DS", "2")
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 9, 0 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var frame = reader.ReadFrame(0);

        Assert.Equal(new[] { 40.0 }, frame.WindowCenter);
        Assert.Equal(new[] { 400.0 }, frame.WindowWidth);
        Assert.Null(frame.RescaleSlope);
        Assert.Null(frame.RescaleIntercept);
        Assert.Equal(new byte[] { 9 }, frame.Pixels);
    }

    [Fact]
    public void Big_endian_file_samples()
    {
        var body = new DicomBytes(bigEndian: true)
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 16)
            .Element(0x7FE0, 0x0010, "OW", new byte[] { 0x01, 0x02, 0xFF, 0x00 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitBE, body));
        var reader = Open(temp);

        Assert.Equal(new ushort[] { 0x0102, 0xFF00 }, reader.ReadFrame(0).Pixels);
    }

    [Fact]
    public void High_bit_from_the_header()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 12).US(0x0028, 0x0102, 15);
        body.Element(0x7FE0, 0x0010, "OW", body.Words(0xFFF0, 0x0015));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        Assert.Equal(new ushort[] { 0xFFF, 0x001 }, reader.ReadFrame(0).Pixels);
    }

    [Fact]
    public void Planar_RGB_file()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0002, 3).Text(0x0028, 0x0004, "CS", "RGB").US(0x0028, 0x0006, 1)
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8)
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 1, 2, 3, 4, 5, 6 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var frame = reader.ReadFrame(0);

        Assert.Equal(new byte[] { 1, 3, 5, 2, 4, 6 }, frame.Pixels);
        Assert.True(frame.IsColor);
    }

    [Fact]
    public void Native_YBR_full_422_file_takes_two_thirds_of_the_full_size()
    {
        // Two 2x2 frames: each 2 pixels x 2 rows x (Y, Y, Cb, Cr) = 8 bytes, not 12.
        var body = new DicomBytes()
            .US(0x0028, 0x0002, 3).Text(0x0028, 0x0004, "CS", "YBR_FULL_422").Text(0x0028, 0x0008, "IS", "2")
            .US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8)
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var second = reader.ReadFrame(1);

        Assert.Equal(new byte[] { 11, 13, 14, 12, 13, 14, 15, 17, 18, 16, 17, 18 }, second.Pixels);
        Assert.Equal("YBR_FULL_422", second.PhotometricInterpretation);
    }

    [Fact]
    public void Float_pixel_data_file()
    {
        var body = new DicomBytes().US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2);
        body.Element(0x7FE0, 0x0008, "OF", body.DWords(BitConverter.SingleToUInt32Bits(0.25f), BitConverter.SingleToUInt32Bits(-8f)));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        Assert.Equal(new[] { 0.25f, -8f }, reader.ReadFrame(0).Pixels);
    }

    [Fact]
    public void Lookup_tables_reach_the_pixel_data()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 1).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 16).US(0x0028, 0x0103, 0)
            .Text(0x0028, 0x1052, "DS", "-1000").Text(0x0028, 0x1053, "DS", "1")
            .Sequence(0x0028, 0x3000, false, s => s.Item(false, i => i
                .Element(0x0028, 0x3002, "US", i.Words(2, 0, 16)).Element(0x0028, 0x3006, "OW", i.Words(7, 8))))
            .Sequence(0x0028, 0x3010, false, s => s.Item(false, i => i
                .Element(0x0028, 0x3002, "US", i.Words(2, 0xFC18, 16)).Element(0x0028, 0x3006, "OW", i.Words(1, 2))))
            .Text(0x2050, 0x0020, "CS", "inverse");
        body.Element(0x7FE0, 0x0010, "OW", body.Words(5));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var frame = reader.ReadFrame(0);

        Assert.Equal(new ushort[] { 7, 8 }, frame.ModalityLut!.Entries);
        // The VOI LUT maps modality values. With a Modality LUT Sequence those are its (unsigned) entries, and the
        // rescale intercept does not apply (C.11.1), so 0xFC18 stays 64536.
        Assert.Equal(0xFC18, Assert.Single(frame.VoiLuts).FirstMappedValue);
        Assert.Equal("INVERSE", frame.PresentationLUTShape);
    }

    [Fact]
    public void VOI_LUT_first_mapped_value_is_signed_when_rescale_makes_modality_values_negative()
    {
        var body = new DicomBytes()
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 1).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 16).US(0x0028, 0x0103, 0)
            .Text(0x0028, 0x1052, "DS", "-1000").Text(0x0028, 0x1053, "DS", "1")
            .Sequence(0x0028, 0x3010, false, s => s.Item(false, i => i
                .Element(0x0028, 0x3002, "US", i.Words(2, 0xFC18, 16)).Element(0x0028, 0x3006, "OW", i.Words(1, 2))));
        body.Element(0x7FE0, 0x0010, "OW", body.Words(5));
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));

        // No Modality LUT: the VOI LUT maps rescaled values, which the intercept makes negative (C.11.2.1.1):
        // 0xFC18 is -1000.
        Assert.Equal(-1000, Assert.Single(Open(temp).ReadFrame(0).VoiLuts).FirstMappedValue);
    }

    [Fact]
    public void Segmented_palette_reaches_the_pixel_data()
    {
        var body = new DicomBytes()
            .Text(0x0028, 0x0004, "CS", "PALETTE COLOR")
            .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 1).US(0x0028, 0x0100, 8);
        foreach (var descriptor in new ushort[] { 0x1101, 0x1102, 0x1103 })
            body.Element(0x0028, descriptor, "US", body.Words(3, 0, 16));
        body.Element(0x0028, 0x1221, "OW", body.Words(0, 1, 0, 1, 2, 100))
            .Element(0x0028, 0x1222, "OW", body.Words(0, 3, 1, 2, 3))
            .Element(0x0028, 0x1223, "OW", body.Words(0, 1, 9, 2, 1, 0, 0, 2, 1, 0, 0)) // 9, then twice a replay of it
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 0, 0 });
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, body));
        var reader = Open(temp);

        var frame = reader.ReadFrame(0);

        Assert.Equal(new ushort[] { 0, 50, 100 }, frame.RedPalette!.Entries);
        Assert.Equal(new ushort[] { 1, 2, 3 }, frame.GreenPalette!.Entries);
        Assert.Equal(new ushort[] { 9, 9, 9 }, frame.BluePalette!.Entries);
        Assert.True(frame.IsColor);
    }
}
