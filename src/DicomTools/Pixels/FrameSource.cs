using DicomTools.Codecs;
using DicomTools.Dicom;

namespace DicomTools.Pixels;

/// <summary>
/// A DICOM file's pixel data opened for frame-by-frame access, before any decoding: the frame geometry the header
/// states and each frame's bytes as stored. Native frames are read from disk one at a time (a 1 000-frame file is
/// never in memory at once); encapsulated frames are assembled from their fragments by the Extended Offset Table,
/// the Basic Offset Table, or, when neither exists, by one fragment per frame or by codestream start markers.
/// Reading frames is safe from several threads at once.
/// </summary>
internal sealed class FrameSource
{
    private readonly DicomElement _pixelData;
    private readonly IReadOnlyList<(int First, int Count)> _frameFragments;

    private FrameSource(DicomFile file, DicomElement pixelData, FrameGeometry geometry, int numberOfFrames)
    {
        File = file;
        _pixelData = pixelData;
        Geometry = geometry;
        NumberOfFrames = numberOfFrames;
        _frameFragments = pixelData.Fragments is { } fragments ? MapFramesToFragments(fragments) : Array.Empty<(int, int)>();
        AvailableFrames = Math.Min(NumberOfFrames, IsEncapsulated ? _frameFragments.Count : NativeFramesPresent());
    }

    /// <summary>Reads the header of <paramref name="path"/> and locates its pixel data (native or encapsulated).</summary>
    public static FrameSource Open(string path) => Open(DicomFile.Open(path, DicomReadOptions.Full));

    /// <summary>Frame access to an already read file (read with <see cref="DicomReadOptions.Full"/>). A frame larger
    /// than <paramref name="maxFrameBytes"/> once decoded is refused before anything is allocated.</summary>
    public static FrameSource Open(DicomFile file, long maxFrameBytes = PixelGeometry.DefaultMaxFrameBytes)
    {
        var pixelData = file.PixelData ?? throw new PixelDataException("the file has no Pixel Data");
        if (file.Dataset[pixelData.Tag] is null || pixelData.ValueOffset < 0 && pixelData.Fragments is null && !pixelData.IsValueLoaded)
            throw new PixelDataException("the Pixel Data was not read (header-only read)");
        // Encapsulated Pixel Data met by a header-only read has its fragments unread: its item stream must not be
        // taken for native samples.
        if (pixelData.HasUndefinedLength && pixelData.Fragments is null)
            throw new PixelDataException("the encapsulated Pixel Data was not read (header-only read): read the file in full for its frames");
        // Offsets in a deflated file point into the inflated stream, which only a full read keeps.
        if (file.TransferSyntax.IsDeflated && !pixelData.IsValueLoaded && pixelData.Fragments is null)
            throw new PixelDataException("the Pixel Data of a deflated file was not read (header-only read): read the file in full for its frames");
        var geometry = PixelGeometry.FromDataset(file.Dataset, pixelData.Tag, maxFrameBytes);
        var frames = PixelGeometry.NumberOfFrames(file.Dataset);
        return new FrameSource(file, pixelData, geometry, frames);
    }

    public DicomFile File { get; }

    public FrameGeometry Geometry { get; }

    public string TransferSyntaxUID => File.TransferSyntax.Uid;

    public TransferSyntax TransferSyntax => File.TransferSyntax;

    public int NumberOfFrames { get; }

    public bool IsEncapsulated => _pixelData.Fragments is not null;

    /// <summary>
    /// Frames the Pixel Data really holds, at most <see cref="NumberOfFrames"/>: a header may claim two billion
    /// frames over a few kilobytes, and callers walk this many, not the claim.
    /// </summary>
    public int AvailableFrames { get; }

    private int NativeFramesPresent()
    {
        long available = _pixelData.IsValueLoaded ? _pixelData.RawValue.Length : _pixelData.AvailableLength;
        if (Geometry.BitsAllocated == 1) return (int)Math.Min(int.MaxValue, available * 8 / Math.Max(1, Geometry.SampleCount));
        return (int)Math.Min(int.MaxValue, available / Math.Max(1, NativeFrameLength));
    }

    /// <summary>Float (7FE0,0008) or Double Float (7FE0,0009) Pixel Data rather than integer samples.</summary>
    public bool IsFloat => _pixelData.Tag == DicomTag.FloatPixelData || _pixelData.Tag == DicomTag.DoubleFloatPixelData;

    /// <summary>Native data whose samples are big endian (Explicit VR Big Endian); decoders always give little endian.</summary>
    public bool IsBigEndianNative => !IsEncapsulated && File.TransferSyntax.IsBigEndian;

    /// <summary>
    /// Bytes one native frame occupies in Pixel Data. YBR_FULL_422 stores two luminance samples and one pair of
    /// chrominance samples per two pixels (PS3.3 C.7.6.3.1.2), so it takes two thirds of the full size.
    /// </summary>
    public long NativeFrameLength
    {
        get
        {
            if (Geometry.BitsAllocated == 1) return (Geometry.SampleCount + 7) / 8;
            // ACR-NEMA packed 12-bit: two samples in three bytes.
            if (Geometry.BitsAllocated == 12) return (Geometry.SampleCount * 3 + 1) / 2;
            if (IsNativeSubsampled) return (long)Geometry.Rows * Geometry.Columns * 2 * Geometry.BytesPerSample;
            return Geometry.SampleCount * Geometry.BytesPerSample;
        }
    }

    /// <summary>Native YBR_FULL_422 (the only subsampled photometric interpretation stored uncompressed).</summary>
    public bool IsNativeSubsampled => !IsEncapsulated && Geometry.PhotometricInterpretation == "YBR_FULL_422" && Geometry.SamplesPerPixel == 3;

    /// <summary>
    /// One frame's bytes as stored: for encapsulated data, its fragments joined; for native data, the frame's slice
    /// of Pixel Data (for 1-bit data, the bytes holding the frame's bits: see <see cref="NativeBitOffset"/>).
    /// </summary>
    public byte[] ReadEncodedFrame(int index)
    {
        CheckIndex(index);
        return IsEncapsulated ? ReadEncapsulatedFrame(index) : ReadNativeFrame(index);
    }

    /// <summary>For 1-bit native data: the bit where frame <paramref name="index"/> starts in the bytes
    /// <see cref="ReadEncodedFrame"/> returns (frames of 1-bit data need not start on a byte boundary).</summary>
    public int NativeBitOffset(int index) =>
        Geometry.BitsAllocated == 1 ? (int)(index * Geometry.SampleCount % 8) : 0;

    private byte[] ReadNativeFrame(int index)
    {
        var (start, length) = NativeFrameRange(index);
        var frame = new byte[length];
        CopyNative(start, frame);
        return frame;
    }

    /// <summary>
    /// Reads native frame <paramref name="index"/> straight into <paramref name="destination"/> (exactly
    /// <see cref="NativeFrameLength"/> bytes; not for 1-bit data, whose frames need not start on a byte).
    /// </summary>
    public void ReadNativeFrameInto(int index, Span<byte> destination)
    {
        CheckIndex(index);
        if (IsEncapsulated || Geometry.BitsAllocated == 1) throw new InvalidOperationException("only whole-byte native frames are read in place");
        var (start, length) = NativeFrameRange(index);
        if (destination.Length != length) throw new ArgumentException($"{destination.Length} bytes given for a frame of {length}", nameof(destination));
        CopyNative(start, destination);
    }

    /// <summary>
    /// Frame <paramref name="index"/> of encapsulated data, its fragments joined into a buffer rented from the shared
    /// pool: dispose the result to give it back.
    /// </summary>
    public EncodedFrame RentEncodedFrame(int index)
    {
        CheckIndex(index);
        if (!IsEncapsulated) throw new InvalidOperationException("native frames are read with ReadNativeFrameInto");
        var (first, count, total) = EncapsulatedFrameRange(index);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            CopyFragments(first, count, buffer.AsSpan(0, (int)total));
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new EncodedFrame(buffer, (int)total);
    }

    /// <summary>Throws the frame's error now when native frame <paramref name="index"/> is not all there, so the
    /// caller allocates nothing for a frame it cannot fill.</summary>
    public void CheckNativeFrame(int index)
    {
        CheckIndex(index);
        _ = NativeFrameRange(index);
    }

    private void CheckIndex(int index)
    {
        if (index < 0 || index >= NumberOfFrames)
            throw new ArgumentOutOfRangeException(nameof(index), $"frame {index} does not exist: the file has {NumberOfFrames} frame(s) (0-based)");
    }

    private (long Start, long Length) NativeFrameRange(int index)
    {
        long start, length;
        if (Geometry.BitsAllocated == 1)
        {
            var firstBit = index * Geometry.SampleCount;
            start = firstBit / 8;
            length = (firstBit + Geometry.SampleCount + 7) / 8 - start;
        }
        else
        {
            length = NativeFrameLength;
            start = index * length;
        }
        var available = _pixelData.IsValueLoaded ? _pixelData.RawValue.Length : _pixelData.AvailableLength;
        if (start + length > available)
        {
            var needed = NumberOfFrames * NativeFrameLength;
            throw new PixelDataException(
                $"frame {index} needs bytes {start}..{start + length - 1} of Pixel Data, but it holds only {available} bytes " +
                $"({Geometry.Rows}x{Geometry.Columns}x{Geometry.SamplesPerPixel} samples of {Geometry.BitsAllocated} bits x {NumberOfFrames} frame(s) need {needed})");
        }
        if (length > Array.MaxLength) throw new PixelDataException($"frame {index} is {length} bytes, more than this reader can hold");
        return (start, length);
    }

    /// <summary>
    /// OW Pixel Data of a big-endian syntax is a stream of 16-bit big-endian words (PS3.5 7.3, 8.1.1, A.3), so
    /// samples narrower than a word (8 or 1 bit) lie with each byte pair swapped. OB is a byte stream, never swapped;
    /// 16- and 32-bit samples are byte-swapped whole by <see cref="SampleUnpacker"/>.
    /// </summary>
    public bool HasSwappedBytePairs => IsBigEndianNative && _pixelData.VR == DicomVR.OW && Geometry.BitsAllocated < 16;

    private void CopyNative(long start, Span<byte> destination)
    {
        if (!HasSwappedBytePairs)
        {
            CopyStored(start, destination);
            return;
        }
        // Read whole words around the frame (a frame may start or end inside one), swap each pair, keep the slice.
        // A word cut short by the end of the data (an odd length without its padding byte) reads as zero there.
        var alignedStart = start & ~1L;
        var alignedLength = (int)(((start + destination.Length + 1) & ~1L) - alignedStart);
        var available = _pixelData.IsValueLoaded ? _pixelData.RawValue.Length : _pixelData.AvailableLength;
        var words = System.Buffers.ArrayPool<byte>.Shared.Rent(alignedLength);
        try
        {
            var window = words.AsSpan(0, alignedLength);
            var present = (int)Math.Min(alignedLength, available - alignedStart);
            window[present..].Clear();
            CopyStored(alignedStart, window[..present]);
            for (var i = 0; i + 1 < window.Length; i += 2) (window[i], window[i + 1]) = (window[i + 1], window[i]);
            window.Slice((int)(start - alignedStart), destination.Length).CopyTo(destination);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(words);
        }
    }

    private void CopyStored(long start, Span<byte> destination)
    {
        if (_pixelData.IsValueLoaded) _pixelData.RawValue.Span.Slice((int)start, destination.Length).CopyTo(destination);
        else File.ReadAt(_pixelData.ValueOffset + start, destination);
    }

    private byte[] ReadEncapsulatedFrame(int index)
    {
        var (first, count, total) = EncapsulatedFrameRange(index);
        var frame = new byte[total];
        CopyFragments(first, count, frame);
        return frame;
    }

    private (int First, int Count, long Total) EncapsulatedFrameRange(int index)
    {
        var fragments = _pixelData.Fragments!;
        if (index >= _frameFragments.Count)
            throw new PixelDataException($"frame {index}: the encapsulated Pixel Data holds only {_frameFragments.Count} frame(s) for the {NumberOfFrames} the header states");
        var (first, count) = _frameFragments[index];
        long total = 0;
        for (var i = first; i < first + count; i++) total += fragments.Fragments[i].Length;
        if (total > Array.MaxLength) throw new PixelDataException($"frame {index} is {total} bytes, more than this reader can hold");
        return (first, count, total);
    }

    private void CopyFragments(int first, int count, Span<byte> destination)
    {
        var fragments = _pixelData.Fragments!;
        var at = 0;
        for (var i = first; i < first + count; i++)
        {
            var fragment = fragments.Fragments[i];
            var target = destination.Slice(at, (int)fragment.Length);
            if (fragments.InMemoryData is { } memory) memory.AsSpan((int)fragment.Offset, (int)fragment.Length).CopyTo(target);
            else File.ReadAt(fragment.Offset, target);
            at += (int)fragment.Length;
        }
    }

    /// <summary>Which fragments make up each frame (PS3.5 A.4).</summary>
    private IReadOnlyList<(int First, int Count)> MapFramesToFragments(DicomFragments fragments)
    {
        var count = fragments.Count;
        if (count == 0) return Array.Empty<(int, int)>();

        // Offsets in both tables count from the first fragment's item tag; each fragment's item header is 8 bytes.
        // File offsets include the headers between fragments; the in-memory copy holds fragment bytes only, so
        // the headers before fragment i (8 bytes each) are added back.
        var inMemory = fragments.InMemoryData is not null;
        var relative = new long[count];
        for (var i = 0; i < count; i++)
            relative[i] = fragments.Fragments[i].Offset - fragments.Fragments[0].Offset + (inMemory ? 8L * i : 0);

        if (ReadExtendedOffsetTable() is { } extended && TryMapByOffsets(extended, relative, out var byExtended)) return byExtended;
        if (fragments.BasicOffsetTable.Count > 0 &&
            TryMapByOffsets(Widen(fragments.BasicOffsetTable), relative, out var byBasic)) return byBasic;
        if (NumberOfFrames == 1) return new[] { (0, count) };
        if (count == NumberOfFrames) return Enumerable.Range(0, count).Select(i => (i, 1)).ToArray();
        return MapByStartMarkers(fragments);
    }

    // A loop, not Select(...).ToArray(): LINQ over uint is code the JIT compiles in every new shell's first decode.
    private static long[] Widen(IReadOnlyList<uint> offsets)
    {
        var wide = new long[offsets.Count];
        for (var i = 0; i < wide.Length; i++) wide[i] = offsets[i];
        return wide;
    }

    /// <summary>Frames start at the fragments whose item offsets the table lists; false when the table is unusable.</summary>
    private static bool TryMapByOffsets(long[] table, long[] relativeFragmentOffsets, out IReadOnlyList<(int First, int Count)> map)
    {
        map = Array.Empty<(int, int)>();
        var starts = new List<int>();
        foreach (var offset in table)
        {
            var fragment = Array.BinarySearch(relativeFragmentOffsets, offset);
            if (fragment < 0 || (starts.Count > 0 && fragment <= starts[^1])) return false;
            starts.Add(fragment);
        }
        if (starts.Count == 0 || starts[0] != 0) return false;
        var result = new (int, int)[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : relativeFragmentOffsets.Length;
            result[i] = (starts[i], end - starts[i]);
        }
        map = result;
        return true;
    }

    private long[]? ReadExtendedOffsetTable()
    {
        var element = File.Dataset[DicomTags.ExtendedOffsetTable];
        if (element?.Value is not ulong[] offsets || offsets.Length == 0)
            return element?.Value is ulong single ? new[] { (long)single } : null;
        return offsets.Select(o => o > long.MaxValue ? -1 : (long)o).ToArray();
    }

    /// <summary>
    /// No offset table and more fragments than frames: a frame starts at each fragment that begins with its
    /// codestream's start marker, as the syntax's decoder recognises it (<see cref="IFrameDecoder.IsFrameStart"/>).
    /// </summary>
    private (int First, int Count)[] MapByStartMarkers(DicomFragments fragments)
    {
        var starts = new List<int>();
        var decoder = CodecRegistry.FrameStartsFor(File.TransferSyntax);
        Span<byte> head = stackalloc byte[CodecRegistry.FrameStartLength];
        for (var i = 0; i < fragments.Count; i++)
        {
            var fragment = fragments.Fragments[i];
            var n = (int)Math.Min(head.Length, fragment.Length);
            var bytes = head[..n];
            if (fragments.InMemoryData is { } memory) memory.AsSpan((int)fragment.Offset, n).CopyTo(bytes);
            else File.ReadAt(fragment.Offset, bytes);
            if (i == 0 || decoder?.IsFrameStart(bytes) == true) starts.Add(i);
        }
        var result = new (int, int)[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : fragments.Count;
            result[i] = (starts[i], end - starts[i]);
        }
        return result;
    }
}

/// <summary>One encapsulated frame's bytes in a pooled buffer; disposing gives the buffer back.</summary>
internal sealed class EncodedFrame : IDisposable
{
    private byte[]? _buffer;

    internal EncodedFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(EncodedFrame))).AsSpan(0, Length);

    public void Dispose()
    {
        if (_buffer is null) return;
        System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
