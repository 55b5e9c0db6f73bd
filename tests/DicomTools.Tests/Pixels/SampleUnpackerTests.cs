using System.Buffers.Binary;
using DicomTools.Codecs;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// Frame bytes to typed samples by the rules of PS3.5 section 8 and Annex D (pixel cells: Bits Allocated, Bits
/// Stored, High Bit; 1-bit data least significant bit first) and PS3.3 C.7.6.3 (Pixel Representation, Planar
/// Configuration, YBR_FULL_422). Expected values are worked out by hand from those rules.
/// </summary>
public sealed class SampleUnpackerTests
{
    private static FrameGeometry Grey(int rows, int columns, int bitsAllocated, int bitsStored, bool signed) =>
        new(rows, columns, 1, bitsAllocated, bitsStored, signed, "MONOCHROME2", 0);

    private static SampleLayout Layout(int highBit, bool bigEndian = false, bool planar = false, bool subsampled = false, int bitOffset = 0, bool isFloat = false) =>
        new(bigEndian, planar, subsampled, bitOffset, highBit, isFloat);

    private static byte[] Le16(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        return bytes;
    }

    private static byte[] Le32(params uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    [Fact]
    public void One_bit_pixels_are_least_significant_bit_first()
    {
        // 0xB1 = 1011 0001: pixel 0 is bit 0 (1), pixel 7 is bit 7 (1).
        var pixels = SampleUnpacker.Unpack(new byte[] { 0xB1 }, Grey(2, 4, 1, 1, false), Layout(0));

        Assert.Equal(new byte[] { 1, 0, 0, 0, 1, 1, 0, 1 }, pixels);
    }

    [Fact]
    public void One_bit_pixels_from_a_bit_offset()
    {
        // Bits 3..11 of 0xB1 0x0E: bit3..7 of 0xB1 = 0,1,1,0,1; bits 0..3 of 0x0E = 0,1,1,1.
        var pixels = SampleUnpacker.Unpack(new byte[] { 0xB1, 0x0E }, Grey(3, 3, 1, 1, false), Layout(0, bitOffset: 3));

        Assert.Equal(new byte[] { 0, 1, 1, 0, 1, 0, 1, 1, 1 }, pixels);
    }

    [Fact]
    public void Eight_bit_unsigned_is_as_stored()
    {
        Assert.Equal(new byte[] { 0, 127, 128, 255 }, SampleUnpacker.Unpack(new byte[] { 0, 127, 128, 255 }, Grey(2, 2, 8, 8, false), Layout(7)));
    }

    [Fact]
    public void Eight_bit_signed_is_twos_complement()
    {
        var pixels = SampleUnpacker.Unpack(new byte[] { 0x00, 0x7F, 0x80, 0xFF }, Grey(2, 2, 8, 8, true), Layout(7));

        Assert.Equal(new sbyte[] { 0, 127, -128, -1 }, pixels);
    }

    [Fact]
    public void Eight_bit_with_fewer_bits_stored_ignores_bits_above_the_high_bit()
    {
        // Bits Stored 4, High Bit 3: only the low nibble is the sample.
        Assert.Equal(new byte[] { 5, 15, 0, 7 }, SampleUnpacker.Unpack(new byte[] { 0xF5, 0x0F, 0xA0, 0x77 }, Grey(2, 2, 8, 4, false), Layout(3)));
        // Signed 4-bit: 0xF -> -1, 0x8 -> -8, 0x7 -> 7, garbage above ignored.
        Assert.Equal(new sbyte[] { -1, -8, 7, 0 }, SampleUnpacker.Unpack(new byte[] { 0x0F, 0xF8, 0xA7, 0x50 }, Grey(2, 2, 8, 4, true), Layout(3)));
    }

    [Fact]
    public void Sixteen_bit_with_twelve_stored_masks_garbage_above_the_high_bit()
    {
        var unsigned = SampleUnpacker.Unpack(Le16(0xF123, 0x0FFF, 0x8000, 0x0001), Grey(2, 2, 16, 12, false), Layout(11));
        Assert.Equal(new ushort[] { 0x123, 0xFFF, 0x000, 0x001 }, unsigned);

        // Signed 12-bit: 0xFFF -> -1, 0x800 -> -2048, 0x7FF -> 2047; bits 12..15 (overlay or garbage) ignored.
        var signed = SampleUnpacker.Unpack(Le16(0x0FFF, 0xF800, 0xA7FF, 0x1000), Grey(2, 2, 16, 12, true), Layout(11));
        Assert.Equal(new short[] { -1, -2048, 2047, 0 }, signed);
    }

    [Fact]
    public void High_bit_above_bits_stored_shifts_the_sample_down()
    {
        // Bits Stored 12, High Bit 15: the sample occupies bits 4..15 (PS3.5 D.1 allows any High Bit position).
        var unsigned = SampleUnpacker.Unpack(Le16(0xFFF0, 0x123F, 0x0010, 0x000F), Grey(2, 2, 16, 12, false), Layout(15));
        Assert.Equal(new ushort[] { 0xFFF, 0x123, 0x001, 0x000 }, unsigned);

        var signed = SampleUnpacker.Unpack(Le16(0x8000, 0xFFF0, 0x7FF5, 0x0000), Grey(2, 2, 16, 12, true), Layout(15));
        Assert.Equal(new short[] { -2048, -1, 2047, 0 }, signed);
    }

    [Fact]
    public void Sixteen_bit_full()
    {
        Assert.Equal(new ushort[] { 0, 0xFFFF }, SampleUnpacker.Unpack(Le16(0, 0xFFFF), Grey(1, 2, 16, 16, false), Layout(15)));
        Assert.Equal(new short[] { -32768, -1 }, SampleUnpacker.Unpack(Le16(0x8000, 0xFFFF), Grey(1, 2, 16, 16, true), Layout(15)));
    }

    [Fact]
    public void Sixteen_bit_big_endian()
    {
        var pixels = SampleUnpacker.Unpack(new byte[] { 0x01, 0x02, 0xFF, 0xFE }, Grey(1, 2, 16, 16, false), Layout(15, bigEndian: true));

        Assert.Equal(new ushort[] { 0x0102, 0xFFFE }, pixels);
    }

    [Fact]
    public void Thirty_two_bit()
    {
        Assert.Equal(new uint[] { 0xFFFFFFFF, 1 }, SampleUnpacker.Unpack(Le32(0xFFFFFFFF, 1), Grey(1, 2, 32, 32, false), Layout(31)));
        Assert.Equal(new[] { -1, int.MinValue }, SampleUnpacker.Unpack(Le32(0xFFFFFFFF, 0x80000000), Grey(1, 2, 32, 32, true), Layout(31)));
        // Bits Stored 24: 0x800000 is the most negative, 0xFFFFFF is -1; the top byte is not part of the sample.
        Assert.Equal(new[] { -8388608, -1, 8388607 }, SampleUnpacker.Unpack(Le32(0xAB800000, 0x00FFFFFF, 0xFF7FFFFF), Grey(1, 3, 32, 24, true), Layout(23)));
        Assert.Equal(new uint[] { 0x800000, 0xFFFFFF }, SampleUnpacker.Unpack(Le32(0xAB800000, 0x00FFFFFF), Grey(1, 2, 32, 24, false), Layout(23)));
        Assert.Equal(new uint[] { 0x00000102 }, SampleUnpacker.Unpack(new byte[] { 0, 0, 1, 2 }, Grey(1, 1, 32, 32, false), Layout(31, bigEndian: true)));
    }

    [Fact]
    public void Planar_configuration_one_is_interleaved()
    {
        // PS3.3 C.7.6.3.1.3: planar 1 stores all red, then all green, then all blue.
        var rgb = new FrameGeometry(1, 2, 3, 8, 8, false, "RGB", 1);
        var pixels = SampleUnpacker.Unpack(new byte[] { 10, 11, 20, 21, 30, 31 }, rgb, Layout(7, planar: true));

        Assert.Equal(new byte[] { 10, 20, 30, 11, 21, 31 }, pixels);
    }

    [Fact]
    public void Planar_configuration_one_sixteen_bit()
    {
        var rgb = new FrameGeometry(1, 2, 3, 16, 16, false, "RGB", 1);
        var pixels = SampleUnpacker.Unpack(Le16(100, 101, 200, 201, 300, 301), rgb, Layout(15, planar: true));

        Assert.Equal(new ushort[] { 100, 200, 300, 101, 201, 301 }, pixels);
    }

    [Fact]
    public void Interleaved_colour_is_as_stored()
    {
        var rgb = new FrameGeometry(1, 2, 3, 8, 8, false, "RGB", 0);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, SampleUnpacker.Unpack(new byte[] { 1, 2, 3, 4, 5, 6 }, rgb, Layout(7)));
    }

    [Fact]
    public void Native_YBR_full_422_is_expanded_to_one_triple_per_pixel()
    {
        // PS3.3 C.7.6.3.1.2: two pixels share one Cb and one Cr, stored Y1 Y2 Cb Cr.
        var ybr = new FrameGeometry(2, 2, 3, 8, 8, false, "YBR_FULL_422", 0);
        var stored = new byte[] { 10, 20, 128, 129, 30, 40, 100, 101 };

        var pixels = SampleUnpacker.Unpack(stored, ybr, Layout(7, subsampled: true));

        Assert.Equal(new byte[] { 10, 128, 129, 20, 128, 129, 30, 100, 101, 40, 100, 101 }, pixels);
    }

    [Fact]
    public void Float_and_double_samples()
    {
        var floats = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4), -2.25f);
        Assert.Equal(new[] { 1.5f, -2.25f }, SampleUnpacker.Unpack(floats, Grey(1, 2, 32, 32, false), Layout(31, isFloat: true)));

        var bigFloats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(bigFloats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(bigFloats.AsSpan(4), -2.25f);
        Assert.Equal(new[] { 1.5f, -2.25f }, SampleUnpacker.Unpack(bigFloats, Grey(1, 2, 32, 32, false), Layout(31, bigEndian: true, isFloat: true)));

        var doubles = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(doubles, Math.PI);
        BinaryPrimitives.WriteDoubleLittleEndian(doubles.AsSpan(8), -1e300);
        Assert.Equal(new[] { Math.PI, -1e300 }, SampleUnpacker.Unpack(doubles, Grey(1, 2, 64, 64, false), Layout(63, isFloat: true)));
    }

    [Fact]
    public void Unsupported_bits_allocated_is_a_pixel_data_exception()
    {
        Assert.Throws<PixelDataException>(() => SampleUnpacker.Unpack(new byte[4], Grey(1, 1, 4, 4, false), Layout(3)));
    }

    [Theory]
    [InlineData(12, 11, false)]
    [InlineData(12, 11, true)]
    [InlineData(12, 15, true)]   // stored in the high bits, with overlay garbage below
    [InlineData(10, 13, true)]
    [InlineData(15, 14, false)]
    [InlineData(16, 15, true)]   // all 16 bits: left as they are
    public void Sixteen_bit_frames_finished_in_place_match_the_rule_sample_by_sample(int bitsStored, int highBit, bool isSigned)
    {
        // Lengths that are not a multiple of any vector width exercise the vector body and the scalar tail.
        foreach (var columns in new[] { 1, 7, 33, 517 })
        {
            var random = new Random(bitsStored * 1000 + highBit * 10 + columns);
            var raw = new ushort[3 * columns];
            for (var i = 0; i < raw.Length; i++) raw[i] = (ushort)random.Next(0, 65536);
            var geometry = Grey(3, columns, 16, bitsStored, isSigned);
            var samples = SampleUnpacker.Allocate(geometry, Layout(highBit));
            Le16(raw).CopyTo(SampleUnpacker.BytesOf(samples));
            SampleUnpacker.FinishInPlace(samples, geometry, Layout(highBit));

            var shift = highBit + 1 - bitsStored;
            for (var i = 0; i < raw.Length; i++)
            {
                var value = (raw[i] >> shift) & ((1 << bitsStored) - 1);
                if (isSigned && value >= 1 << (bitsStored - 1)) value -= 1 << bitsStored;
                var actual = isSigned ? ((short[])samples)[i] : (int)((ushort[])samples)[i];
                Assert.True(value == actual, $"sample {i} of {raw.Length}: raw 0x{raw[i]:X4} gave {actual}, expected {value}");
            }
        }
    }
}
