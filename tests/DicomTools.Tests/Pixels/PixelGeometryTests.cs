using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>The Image Pixel module (PS3.3 C.7.6.3) read into a frame geometry: defaults, limits, impossible values.</summary>
public sealed class PixelGeometryTests
{
    private static DicomDataset Dataset(Action<DicomBytes> write)
    {
        var body = new DicomBytes().Text(0x0008, 0x0060, "CS", "OT");
        write(body);
        return DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, body)).Dataset;
    }

    [Fact]
    public void Geometry_from_the_image_pixel_module()
    {
        var ds = Dataset(b => b.US(0x0028, 0x0002, 3).Text(0x0028, 0x0004, "CS", "rgb").US(0x0028, 0x0006, 1)
            .US(0x0028, 0x0010, 4).US(0x0028, 0x0011, 5).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 12).US(0x0028, 0x0103, 1));

        var g = PixelGeometry.FromDataset(ds, DicomTag.PixelData);

        Assert.Equal(4, g.Rows);
        Assert.Equal(5, g.Columns);
        Assert.Equal(3, g.SamplesPerPixel);
        Assert.Equal(16, g.BitsAllocated);
        Assert.Equal(12, g.BitsStored);
        Assert.True(g.IsSigned);
        Assert.Equal("RGB", g.PhotometricInterpretation);
        Assert.Equal(1, g.PlanarConfiguration);
        Assert.Equal(4 * 5 * 3 * 2, g.FrameByteLength);
    }

    [Fact]
    public void Absent_attributes_take_their_defaults()
    {
        var grey = PixelGeometry.FromDataset(Dataset(b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8)), DicomTag.PixelData);
        Assert.Equal(1, grey.SamplesPerPixel);
        Assert.Equal(8, grey.BitsStored);
        Assert.False(grey.IsSigned);
        Assert.Equal("MONOCHROME2", grey.PhotometricInterpretation);
        Assert.Equal(0, grey.PlanarConfiguration);

        var colour = PixelGeometry.FromDataset(Dataset(b => b.US(0x0028, 0x0002, 3).US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8)), DicomTag.PixelData);
        Assert.Equal("RGB", colour.PhotometricInterpretation);
    }

    [Theory]
    [InlineData(0x0008, 32)]
    [InlineData(0x0009, 64)]
    public void Float_pixel_data_has_its_own_sample_size(ushort element, int bits)
    {
        // PS3.3 C.7.6.24: Float Pixel Data is 32-bit, Double Float Pixel Data 64-bit, whatever Bits Allocated says.
        var ds = Dataset(b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 16).US(0x0028, 0x0103, 1));

        var g = PixelGeometry.FromDataset(ds, new DicomTag(0x7FE0, element));

        Assert.Equal(bits, g.BitsAllocated);
        Assert.Equal(bits, g.BitsStored);
        Assert.False(g.IsSigned);
    }

    private static readonly Dictionary<string, Action<DicomBytes>> ImpossibleHeaders = new()
    {
        { "no Rows", b => b.US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8) },
        { "no Columns", b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0100, 8) },
        { "zero Rows", b => b.US(0x0028, 0x0010, 0).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8) },
        { "no Bits Allocated", b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2) },
        { "Bits Allocated 7", b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 7) },
        { "Samples 2", b => b.US(0x0028, 0x0002, 2).US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8) },
        { "Bits Stored above Allocated", b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8).US(0x0028, 0x0101, 9) },
        { "Bits Stored 0", b => b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 8).US(0x0028, 0x0101, 0) },
        { "51 GB frame", b => b.US(0x0028, 0x0002, 3).US(0x0028, 0x0010, 65535).US(0x0028, 0x0011, 65535).US(0x0028, 0x0100, 32) },
    };

    public static TheoryData<string> Impossible => new(ImpossibleHeaders.Keys);

    [Theory]
    [MemberData(nameof(Impossible))]
    public void Impossible_geometry_is_a_pixel_data_exception(string what)
    {
        var ds = Dataset(ImpossibleHeaders[what]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<PixelDataException>(() => PixelGeometry.FromDataset(ds, DicomTag.PixelData));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000, $"{what}: allocated before refusing");
        Assert.False(string.IsNullOrWhiteSpace(e.Message), what);
    }

    [Theory]
    [InlineData(null, 11)]    // absent: Bits Stored - 1
    [InlineData(11, 11)]
    [InlineData(15, 15)]      // sample in bits 4..15
    [InlineData(5, 11)]       // below Bits Stored - 1 is impossible: the sample would not fit
    [InlineData(16, 11)]      // outside the 16-bit cell
    public void High_bit(int? stored, int expected)
    {
        var ds = Dataset(b =>
        {
            b.US(0x0028, 0x0010, 2).US(0x0028, 0x0011, 2).US(0x0028, 0x0100, 16).US(0x0028, 0x0101, 12);
            if (stored is { } h) b.US(0x0028, 0x0102, (ushort)h);
        });

        Assert.Equal(expected, PixelGeometry.HighBit(ds, PixelGeometry.FromDataset(ds, DicomTag.PixelData)));
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("4", 4)]
    [InlineData("0", 1)]
    [InlineData("1A", 1)]
    [InlineData("-3", 1)]
    public void Number_of_frames(string? stored, int expected)
    {
        var ds = Dataset(b => { if (stored is not null) b.Text(0x0028, 0x0008, "IS", stored); });

        Assert.Equal(expected, PixelGeometry.NumberOfFrames(ds));
    }
}
