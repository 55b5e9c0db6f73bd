using System.IO.Compression;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// <see cref="DicomReadOptions.HeaderOnly"/>: the read skips the top-level Pixel Data value (listed, value not read),
/// and large bulk values before it stay on disk; a full read locates native Pixel Data without loading it.
/// </summary>
public sealed class HeaderOnlyTests
{
    private const int BulkLength = 300_000;

    private static DicomBytes ImageWithBulk(ushort pixelElement = 0x0010, string pixelVR = "OW") => new DicomBytes()
        .Text(0x0008, 0x0060, "CS", "OT")
        .Text(0x0009, 0x0010, "LO", "ACME")
        .Element(0x0009, 0x1001, "OB", new byte[100])
        .Element(0x0009, 0x1002, "OB", Enumerable.Range(0, BulkLength).Select(i => (byte)i).ToArray())
        .US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 16)
        .Element(0x7FE0, pixelElement, pixelVR, new byte[] { 1, 0, 2, 0, 3, 0, 4, 0 })
        .Element(0xFFFC, 0xFFFC, "OB", new byte[] { 0, 0 });

    [Fact]
    public void Header_only_skips_pixel_data_and_leaves_large_values_on_disk()
    {
        var bytes = DicomBytes.Part10(DicomBytes.ExplicitLE, ImageWithBulk());
        DicomBytes.Read(bytes, DicomReadOptions.HeaderOnly); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var file = DicomBytes.Read(bytes, DicomReadOptions.HeaderOnly);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var bulk = file.Dataset[new DicomTag(0x0009, 0x1002)]!;
        Assert.False(bulk.IsValueLoaded);
        Assert.Equal(BulkLength, bulk.Length);
        Assert.Null(bulk.Value);
        Assert.Equal("(not loaded)", bulk.DisplayValue);
        Assert.True(file.Dataset[new DicomTag(0x0009, 0x1001)]!.IsValueLoaded, "a small OB is read");

        var pixelData = file.PixelData!;
        Assert.Same(pixelData, file.Dataset[DicomTag.PixelData]);
        Assert.False(pixelData.IsValueLoaded);
        Assert.Equal(8, pixelData.Length);
        // The pixel value is the last 8 bytes before the 12-byte trailing padding element and its 2-byte value.
        Assert.Equal(bytes.Length - 14 - 8, pixelData.ValueOffset);
        Assert.True(file.Dataset.Contains(new DicomTag(0xFFFC, 0xFFFC)), "what follows Pixel Data is listed");
        Assert.True(allocated < 200_000, $"a header-only read allocated {allocated} bytes for a file with a {BulkLength}-byte value");
    }

    [Fact]
    public void Skipped_value_can_be_read_from_its_offset()
    {
        var bytes = DicomBytes.Part10(DicomBytes.ExplicitLE, ImageWithBulk());
        var bulk = DicomBytes.Read(bytes, DicomReadOptions.HeaderOnly).Dataset[new DicomTag(0x0009, 0x1002)]!;

        Assert.Equal(0, bytes[bulk.ValueOffset]);
        Assert.Equal(1, bytes[bulk.ValueOffset + 1]);
        Assert.Equal(unchecked((byte)(BulkLength - 1)), bytes[bulk.ValueOffset + BulkLength - 1]);
    }

    [Fact]
    public void Full_read_loads_bulk_values_and_locates_pixel_data()
    {
        var bytes = DicomBytes.Part10(DicomBytes.ExplicitLE, ImageWithBulk());

        var file = DicomBytes.Read(bytes, DicomReadOptions.Full);

        var bulk = file.Dataset[new DicomTag(0x0009, 0x1002)]!;
        Assert.True(bulk.IsValueLoaded);
        Assert.Equal((byte)(12345 & 0xFF), ((byte[])bulk.Value!)[12345]);
        Assert.False(file.PixelData!.IsValueLoaded); // located on disk, read per frame later
        Assert.Equal(8, file.PixelData.AvailableLength);
        Assert.True(file.Dataset.Contains(new DicomTag(0xFFFC, 0xFFFC)));
    }

    [Fact]
    public void Large_value_threshold_is_an_option()
    {
        var bytes = DicomBytes.Part10(DicomBytes.ExplicitLE, ImageWithBulk());

        var file = DicomBytes.Read(bytes, new DicomReadOptions { StopBeforePixelData = true, LargeValueThreshold = 50 });

        Assert.False(file.Dataset[new DicomTag(0x0009, 0x1001)]!.IsValueLoaded);
        Assert.True(file.Dataset[DicomTags.Modality]!.IsValueLoaded, "text is always read");
    }

    [Theory]
    [InlineData(0x0008, "OF")]
    [InlineData(0x0009, "OD")]
    public void Header_only_skips_float_pixel_data_too(ushort element, string vr)
    {
        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, ImageWithBulk(element, vr)), DicomReadOptions.HeaderOnly);

        Assert.Equal(new DicomTag(0x7FE0, element), file.PixelData!.Tag);
        Assert.False(file.PixelData.IsValueLoaded);
        Assert.True(file.Dataset.Contains(new DicomTag(0xFFFC, 0xFFFC)), "what follows is listed");
    }

    [Fact]
    public void Header_only_skips_encapsulated_pixel_data_without_reading_fragments()
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT")
            .Header(0x7FE0, 0x0010, "OB", DicomBytes.UndefinedLength)
            .Tag(0xFFFE, 0xE000).U32(0)
            .Tag(0xFFFE, 0xE000).U32(4).Bytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 })
            .SequenceDelimiter();

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.JpegBaseline, body), DicomReadOptions.HeaderOnly);

        Assert.True(file.PixelData!.HasUndefinedLength);
        Assert.Null(file.PixelData.Fragments);
    }

    [Fact]
    public void Pixel_data_inside_an_item_does_not_stop_the_read()
    {
        // An Icon Image Sequence item carries its own Pixel Data; only the top-level one ends a header read.
        var body = new DicomBytes()
            .Text(0x0008, 0x0060, "CS", "OT")
            .Sequence(0x0088, 0x0200, false, items => items.Item(false, icon => icon
                .US(0x0028, 0x0010, 1).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8)
                .Element(0x7FE0, 0x0010, "OB", new byte[] { 7, 9 })))
            .Text(0x0010, 0x0010, "PN", "After^Icon")
            .Element(0x7FE0, 0x0010, "OB", new byte[] { 1, 2, 3, 4 });

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body), DicomReadOptions.HeaderOnly);

        var icon = file.Dataset.GetSequence(new DicomTag(0x0088, 0x0200))[0];
        Assert.Equal(new byte[] { 7, 9 }, icon.GetValue(DicomTag.PixelData));
        Assert.Equal("After", ((DicomPersonName)file.Dataset.GetValue(DicomTags.PatientName)!).FamilyName);
        Assert.Equal(4, file.PixelData!.Length);
        Assert.NotSame(icon[DicomTag.PixelData], file.PixelData);
    }

    [Fact]
    public void Header_only_read_of_a_deflated_file_skips_pixel_data()
    {
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(ImageWithBulk().ToArray());

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray()), DicomReadOptions.HeaderOnly);

        Assert.NotNull(file.PixelData);
        Assert.False(file.PixelData!.IsValueLoaded);
        // The inflated stream is read on past the pixel value (inflated and dropped) for what follows it.
        Assert.True(file.Dataset.Contains(new DicomTag(0xFFFC, 0xFFFC)));
    }

    [Fact]
    public void Full_read_of_a_deflated_file_loads_pixel_data()
    {
        // The inflated stream cannot be revisited, so the value is kept.
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(ImageWithBulk().ToArray());

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray()));

        Assert.True(file.PixelData!.IsValueLoaded);
        Assert.Equal(new ushort[] { 1, 2, 3, 4 }, file.PixelData.Value);
    }
}
