using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DicomTools.Codecs;

namespace DicomTools.Pixels;

/// <summary>How one frame's bytes are laid out before they become typed samples.</summary>
public readonly record struct SampleLayout(
    bool BigEndian,
    bool Planar,
    bool Subsampled422,
    int BitOffset,
    int HighBit,
    bool IsFloat);

/// <summary>
/// Turns one frame's bytes into the typed sample array of <see cref="DicomPixelData.Pixels"/>: row-major, colour
/// interleaved, each sample shifted down from the High Bit, masked to Bits Stored and sign-extended when Pixel
/// Representation says signed, so garbage above the High Bit (overlays, sloppy writers) never reaches a value.
/// </summary>
public static class SampleUnpacker
{
    public static Array Unpack(ReadOnlySpan<byte> frame, FrameGeometry g, SampleLayout layout)
    {
        if (layout.IsFloat)
            return g.BitsAllocated == 64 ? Typed<double>(frame, g, layout) : Typed<float>(frame, g, layout);
        return g.BitsAllocated switch
        {
            1 => UnpackBits(frame, g, layout.BitOffset),
            8 => Finish8(Reorder(frame.ToArray(), g, layout, 1), g, layout.HighBit),
            12 => Finish16(UnpackPacked12(frame, g), g, layout.HighBit),
            16 => Finish16(Typed<ushort>(frame, g, layout), g, layout.HighBit),
            24 => Finish32(Unpack24(frame, g, layout), g, layout.HighBit),
            32 => Finish32(Typed<uint>(frame, g, layout), g, layout.HighBit),
            _ => throw new PixelDataException($"Bits Allocated {g.BitsAllocated} is not supported"),
        };
    }

    /// <summary>Samples of T from the bytes: byte order fixed, planes interleaved, 4:2:2 expanded.</summary>
    private static T[] Typed<T>(ReadOnlySpan<byte> frame, FrameGeometry g, SampleLayout layout) where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var stored = MemoryMarshal.Cast<byte, T>(frame[..(frame.Length / size * size)]).ToArray();
        if (layout.BigEndian != !BitConverter.IsLittleEndian) SwapInPlace(MemoryMarshal.AsBytes(stored.AsSpan()), size);
        return Reorder(stored, g, layout, size);
    }

    private static T[] Reorder<T>(T[] stored, FrameGeometry g, SampleLayout layout, int size) where T : unmanaged
    {
        var pixels = g.Rows * g.Columns;
        if (layout.Subsampled422 && g.SamplesPerPixel == 3) return Expand422(stored, pixels);
        if (layout.Planar && g.SamplesPerPixel > 1) return Interleave(stored, pixels, g.SamplesPerPixel);
        _ = size;
        return stored.Length == pixels * g.SamplesPerPixel ? stored : stored.AsSpan(0, Math.Min(stored.Length, pixels * g.SamplesPerPixel)).ToArray();
    }

    private static void SwapInPlace(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2:
                var words = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 4:
                var dwords = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(dwords, dwords);
                break;
            case 8:
                var qwords = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(qwords, qwords);
                break;
        }
    }

    /// <summary>Planar configuration 1 (all R, then all G, then all B) to interleaved RGBRGB.</summary>
    private static T[] Interleave<T>(T[] planes, int pixels, int samples)
    {
        var result = new T[pixels * samples];
        for (var s = 0; s < samples; s++)
        {
            var plane = planes.AsSpan(s * pixels, pixels);
            for (var p = 0; p < pixels; p++) result[p * samples + s] = plane[p];
        }
        return result;
    }

    /// <summary>YBR_FULL_422 as stored (Y0 Y1 Cb Cr per pixel pair) to full-resolution interleaved Y Cb Cr.</summary>
    private static T[] Expand422<T>(T[] stored, int pixels)
    {
        var result = new T[pixels * 3];
        for (int pair = 0, p = 0; p < pixels; pair++, p += 2)
        {
            var src = pair * 4;
            result[p * 3] = stored[src];
            result[p * 3 + 1] = stored[src + 2];
            result[p * 3 + 2] = stored[src + 3];
            if (p + 1 < pixels)
            {
                result[p * 3 + 3] = stored[src + 1];
                result[p * 3 + 4] = stored[src + 2];
                result[p * 3 + 5] = stored[src + 3];
            }
        }
        return result;
    }

    /// <summary>1-bit data: eight pixels a byte, the first in the least significant bit (PS3.5 D.2).</summary>
    private static byte[] UnpackBits(ReadOnlySpan<byte> frame, FrameGeometry g, int bitOffset)
    {
        var count = (int)g.SampleCount;
        var result = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var bit = bitOffset + i;
            result[i] = (byte)((frame[bit >> 3] >> (bit & 7)) & 1);
        }
        return result;
    }

    /// <summary>
    /// ACR-NEMA 12 bits allocated: two samples in three bytes, read as a little-endian bit stream (the first sample
    /// is the low 12 bits of the first 16-bit word), as DCMTK reads such files.
    /// </summary>
    private static ushort[] UnpackPacked12(ReadOnlySpan<byte> frame, FrameGeometry g)
    {
        var count = (int)g.SampleCount;
        var result = new ushort[count];
        for (int i = 0, at = 0; i < count; i += 2, at += 3)
        {
            if (at + 1 >= frame.Length) break;
            result[i] = (ushort)(frame[at] | (frame[at + 1] & 0x0F) << 8);
            if (i + 1 < count && at + 2 < frame.Length) result[i + 1] = (ushort)(frame[at + 1] >> 4 | frame[at + 2] << 4);
        }
        return result;
    }

    private static uint[] Unpack24(ReadOnlySpan<byte> frame, FrameGeometry g, SampleLayout layout)
    {
        var count = frame.Length / 3;
        var values = new uint[count];
        for (var i = 0; i < count; i++)
        {
            var b = frame.Slice(i * 3, 3);
            values[i] = layout.BigEndian ? (uint)(b[0] << 16 | b[1] << 8 | b[2]) : (uint)(b[0] | b[1] << 8 | b[2] << 16);
        }
        return Reorder(values, g, layout with { BigEndian = false }, 4);
    }

    private static Array Finish8(byte[] raw, FrameGeometry g, int highBit)
    {
        var shift = highBit + 1 - g.BitsStored;
        if (!g.IsSigned)
        {
            if (g.BitsStored == 8) return raw;
            var mask = (1 << g.BitsStored) - 1;
            for (var i = 0; i < raw.Length; i++) raw[i] = (byte)((raw[i] >> shift) & mask);
            return raw;
        }
        var signed = new sbyte[raw.Length];
        var bits = g.BitsStored;
        for (var i = 0; i < raw.Length; i++) signed[i] = (sbyte)SignExtend((raw[i] >> shift) & ((1 << bits) - 1), bits);
        return signed;
    }

    private static Array Finish16(ushort[] raw, FrameGeometry g, int highBit)
    {
        var shift = highBit + 1 - g.BitsStored;
        var bits = Math.Min(g.BitsStored, 16);
        var mask = (1 << bits) - 1;
        if (!g.IsSigned)
        {
            if (bits == 16) return raw;
            for (var i = 0; i < raw.Length; i++) raw[i] = (ushort)((raw[i] >> shift) & mask);
            return raw;
        }
        var signed = MemoryMarshal.Cast<ushort, short>(raw.AsSpan());
        var result = new short[raw.Length];
        if (bits == 16 && shift == 0)
        {
            signed.CopyTo(result);
            return result;
        }
        for (var i = 0; i < raw.Length; i++) result[i] = (short)SignExtend((raw[i] >> shift) & mask, bits);
        return result;
    }

    private static Array Finish32(uint[] raw, FrameGeometry g, int highBit)
    {
        var shift = highBit + 1 - g.BitsStored;
        var bits = Math.Min(g.BitsStored, 32);
        var mask = bits == 32 ? uint.MaxValue : (1u << bits) - 1;
        if (!g.IsSigned)
        {
            if (bits == 32) return raw;
            for (var i = 0; i < raw.Length; i++) raw[i] = (raw[i] >> shift) & mask;
            return raw;
        }
        var result = new int[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var v = (raw[i] >> shift) & mask;
            result[i] = bits == 32 ? (int)v : (int)(v ^ (1u << (bits - 1))) - (1 << (bits - 1));
        }
        return result;
    }

    /// <summary>Two's complement value of the low <paramref name="bits"/> bits.</summary>
    private static int SignExtend(int value, int bits)
    {
        var signBit = 1 << (bits - 1);
        return (value ^ signBit) - signBit;
    }
}
