using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Codecs;

namespace DicomTools.Pixels;

/// <summary>How one frame's bytes are laid out before they become typed samples.</summary>
internal readonly record struct SampleLayout(
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
internal static class SampleUnpacker
{
    /// <summary>
    /// True when the frame's bytes, as stored or as a codec writes them, already are the final sample layout: whole
    /// 8-, 16-, 32- or 64-bit samples, interleaved, at full resolution. Such a frame is read or decoded straight into
    /// the array of <see cref="Allocate"/> and finished there, with no copy (a frame is often half a megabyte, and
    /// every extra copy is another large-object allocation).
    /// </summary>
    public static bool CanFinishInPlace(FrameGeometry g, SampleLayout layout) =>
        g.BitsAllocated is 8 or 16 or 32 || (layout.IsFloat && g.BitsAllocated == 64)
            ? !layout.Subsampled422 && !(layout.Planar && g.SamplesPerPixel > 1)
            : false;

    /// <summary>The typed array that will hold the frame (see <see cref="CanFinishInPlace"/>).</summary>
    public static Array Allocate(FrameGeometry g, SampleLayout layout, bool pooled = false)
    {
        if (g.SampleCount > Array.MaxLength) throw new PixelDataException($"a frame of {g.SampleCount} samples is more than this reader can hold");
        var count = (int)g.SampleCount;
        if (layout.IsFloat) return g.BitsAllocated == 64 ? New<double>(count, pooled) : New<float>(count, pooled);
        return (g.BitsAllocated, g.IsSigned) switch
        {
            (8, false) => New<byte>(count, pooled),
            (8, true) => New<sbyte>(count, pooled),
            (16, false) => New<ushort>(count, pooled),
            (16, true) => New<short>(count, pooled),
            (32, false) => New<uint>(count, pooled),
            (32, true) => New<int>(count, pooled),
            _ => throw new PixelDataException($"Bits Allocated {g.BitsAllocated} has no in-place layout"),
        };
    }

    // Pooled arrays hold a previous frame's samples: the caller overwrites every sample (or clears them).
    private static T[] New<T>(int count, bool pooled) where T : unmanaged => pooled ? SampleBufferPool.Rent<T>(count) : new T[count];

    /// <summary>The bytes of an array made by <see cref="Allocate"/>, for a reader or codec to fill.</summary>
    public static Span<byte> BytesOf(Array samples) => samples switch
    {
        byte[] a => a,
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        uint[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new ArgumentException($"{samples.GetType().Name} is not a sample array", nameof(samples)),
    };

    /// <summary>Fixes byte order, then shifts, masks and sign-extends the samples of <paramref name="samples"/> where they lie.</summary>
    public static void FinishInPlace(Array samples, FrameGeometry g, SampleLayout layout)
    {
        var bytes = BytesOf(samples);
        var size = layout.IsFloat ? g.BitsAllocated / 8 : g.BytesPerSample;
        if (layout.BigEndian != !BitConverter.IsLittleEndian) SwapInPlace(bytes, size);
        if (layout.IsFloat) return;
        var shift = layout.HighBit + 1 - g.BitsStored;
        switch (g.BitsAllocated)
        {
            case 8: Finish(bytes, g.BitsStored, shift, g.IsSigned); break;
            case 16: Finish(MemoryMarshal.Cast<byte, ushort>(bytes), g.BitsStored, shift, g.IsSigned); break;
            case 32: Finish(MemoryMarshal.Cast<byte, uint>(bytes), g.BitsStored, shift, g.IsSigned); break;
        }
    }

    /// <summary>
    /// Each sample shifted down from the High Bit and masked to Bits Stored; when signed, sign-extended from its top
    /// stored bit, written back as the two's-complement bit pattern of the signed type of the same width.
    /// </summary>
    private static void Finish(Span<byte> samples, int bitsStored, int shift, bool signed)
    {
        if (bitsStored >= 8 && shift == 0) return; // 8 of 8 bits: the byte is the value, signed or not
        var mask = (1 << bitsStored) - 1;
        for (var i = 0; i < samples.Length; i++)
        {
            var v = (samples[i] >> shift) & mask;
            samples[i] = (byte)(signed ? SignExtend(v, bitsStored) : v);
        }
    }

    private static void Finish(Span<ushort> samples, int bitsStored, int shift, bool signed)
    {
        if (bitsStored >= 16 && shift == 0) return;
        var mask = (ushort)((1 << bitsStored) - 1);
        // Sign extension as (v ^ s) - s with s the top stored bit: the same for every lane, so the loop vectorises.
        var sign = signed ? (ushort)(1 << (bitsStored - 1)) : (ushort)0;
        for (var i = FinishLanes(samples, shift, mask, sign); i < samples.Length; i++)
            samples[i] = (ushort)((((samples[i] >> shift) & mask) ^ sign) - sign);
    }

    // The Vector<T> part on its own, returning how many samples it did: crossgen cannot precompile code that names
    // Vector<T> (its width is the machine's), so this is compiled once, optimised, on first use, while Finish stays
    // precompiled. Inside Finish it made the JIT compile the whole method twice in a new shell's first decode
    // (unoptimised, then again on the loop's back edge).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FinishLanes(Span<ushort> samples, int shift, ushort mask, ushort sign)
    {
        if (!System.Numerics.Vector.IsHardwareAccelerated || samples.Length < System.Numerics.Vector<ushort>.Count) return 0;
        var lanes = MemoryMarshal.Cast<ushort, System.Numerics.Vector<ushort>>(samples);
        var maskVector = new System.Numerics.Vector<ushort>(mask);
        var signVector = new System.Numerics.Vector<ushort>(sign);
        for (var v = 0; v < lanes.Length; v++)
            lanes[v] = ((System.Numerics.Vector.ShiftRightLogical(lanes[v], shift) & maskVector) ^ signVector) - signVector;
        return lanes.Length * System.Numerics.Vector<ushort>.Count;
    }

    private static void Finish(Span<uint> samples, int bitsStored, int shift, bool signed)
    {
        if (bitsStored >= 32 && shift == 0) return;
        var mask = bitsStored >= 32 ? uint.MaxValue : (1u << bitsStored) - 1;
        for (var i = 0; i < samples.Length; i++)
        {
            var v = (samples[i] >> shift) & mask;
            samples[i] = signed && bitsStored < 32 ? (uint)((int)(v ^ (1u << (bitsStored - 1))) - (1 << (bitsStored - 1))) : v;
        }
    }

    /// <summary>Any layout: stored bytes to a new typed array (planes interleaved, 4:2:2 expanded, packed bits unpacked).</summary>
    public static Array Unpack(ReadOnlySpan<byte> frame, FrameGeometry g, SampleLayout layout)
    {
        if (layout.IsFloat)
            return g.BitsAllocated == 64 ? Typed<double>(frame, g, layout) : Typed<float>(frame, g, layout);
        return g.BitsAllocated switch
        {
            1 => UnpackBits(frame, g, layout.BitOffset),
            8 => Finish8(Reorder(frame.ToArray(), g, layout), g, layout.HighBit),
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
        return Reorder(stored, g, layout);
    }

    private static T[] Reorder<T>(T[] stored, FrameGeometry g, SampleLayout layout) where T : unmanaged
    {
        var pixels = g.Rows * g.Columns;
        if (layout.Subsampled422 && g.SamplesPerPixel == 3) return Expand422(stored, pixels);
        if (layout.Planar && g.SamplesPerPixel > 1) return Interleave(stored, pixels, g.SamplesPerPixel);
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
        return Reorder(values, g, layout with { BigEndian = false });
    }

    private static Array Finish8(byte[] raw, FrameGeometry g, int highBit)
    {
        Finish(raw.AsSpan(), g.BitsStored, highBit + 1 - g.BitsStored, g.IsSigned);
        if (!g.IsSigned) return raw;
        var signed = new sbyte[raw.Length];
        MemoryMarshal.Cast<byte, sbyte>(raw.AsSpan()).CopyTo(signed);
        return signed;
    }

    private static Array Finish16(ushort[] raw, FrameGeometry g, int highBit)
    {
        Finish(raw.AsSpan(), Math.Min(g.BitsStored, 16), highBit + 1 - g.BitsStored, g.IsSigned);
        if (!g.IsSigned) return raw;
        var signed = new short[raw.Length];
        MemoryMarshal.Cast<ushort, short>(raw.AsSpan()).CopyTo(signed);
        return signed;
    }

    private static Array Finish32(uint[] raw, FrameGeometry g, int highBit)
    {
        Finish(raw.AsSpan(), Math.Min(g.BitsStored, 32), highBit + 1 - g.BitsStored, g.IsSigned);
        if (!g.IsSigned) return raw;
        var signed = new int[raw.Length];
        MemoryMarshal.Cast<uint, int>(raw.AsSpan()).CopyTo(signed);
        return signed;
    }

    /// <summary>Two's complement value of the low <paramref name="bits"/> bits.</summary>
    private static int SignExtend(int value, int bits)
    {
        var signBit = 1 << (bits - 1);
        return (value ^ signBit) - signBit;
    }
}
