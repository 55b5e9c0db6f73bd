using System.Buffers.Binary;

namespace DicomTools.Dicom;

/// <summary>
/// Buffered, position-tracking reads over a file or an inflating stream. Knows how many bytes are left when the
/// stream is seekable, so a lying length is caught before anything is allocated; when it is not (deflate), values
/// are read in bounded chunks so a lie fails at end of data instead of allocating what the header claims.
/// </summary>
internal sealed class ByteSource : IDisposable
{
    private const int BufferSize = 64 * 1024;
    /// <summary>Growth step when reading a value of unverifiable length (inflating streams).</summary>
    private const int UnverifiedChunk = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    // Rented: a header scan opens thousands of files, and a fresh 64 KiB buffer each would be zeroed for nothing.
    private readonly byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
    private bool _disposed;
    private int _bufferStart;   // index of the next unread byte in _buffer
    private int _bufferEnd;     // one past the last valid byte in _buffer
    private long _bufferOrigin; // stream position of _buffer[0]
    private readonly long _positionBias; // logical position of the stream's position 0

    /// <param name="unseekableLimit">For a stream that cannot tell its length (inflating): the logical position past
    /// which no data may lie, so lengths are checked against it before anything is read.</param>
    public ByteSource(Stream stream, bool ownsStream, long logicalStart = 0, long unseekableLimit = long.MaxValue)
    {
        _unseekableLimit = unseekableLimit;
        _stream = stream;
        _ownsStream = ownsStream;
        _positionBias = logicalStart;
        if (stream.CanSeek)
        {
            _bufferOrigin = stream.Position;
            Length = stream.Length - stream.Position + logicalStart;
            _positionBias = logicalStart - stream.Position;
        }
        else
        {
            _bufferOrigin = 0;
        }
    }

    /// <summary>Total logical length, when known (seekable source); null for an inflating stream.</summary>
    public long? Length { get; }

    public bool CanSeek => _stream.CanSeek;

    /// <summary>Logical position of the next byte to read.</summary>
    public long Position => _bufferOrigin + _bufferStart + _positionBias;

    /// <summary>Bytes left when known; long.MaxValue when the source cannot tell.</summary>
    public long Remaining => Length is { } length ? length - Position : _unseekableLimit == long.MaxValue ? long.MaxValue : _unseekableLimit - Position;

    private readonly long _unseekableLimit;

    public bool IsAtEnd => !Ensure(1);

    /// <summary>Makes at least <paramref name="count"/> (≤ buffer size) bytes available; false at end of data.</summary>
    public bool Ensure(int count)
    {
        if (_bufferEnd - _bufferStart >= count) return true;
        if (_bufferStart > 0)
        {
            var kept = _bufferEnd - _bufferStart;
            Buffer.BlockCopy(_buffer, _bufferStart, _buffer, 0, kept);
            _bufferOrigin += _bufferStart;
            _bufferStart = 0;
            _bufferEnd = kept;
        }
        while (_bufferEnd < count)
        {
            var read = _stream.Read(_buffer, _bufferEnd, _buffer.Length - _bufferEnd);
            if (read <= 0) return false;
            _bufferEnd += read;
        }
        return true;
    }

    /// <summary>The next <paramref name="count"/> bytes without consuming them (count ≤ 64 KiB).</summary>
    public ReadOnlySpan<byte> Peek(int count) =>
        Ensure(count) ? _buffer.AsSpan(_bufferStart, count) : ReadOnlySpan<byte>.Empty;

    /// <summary>Bytes that can be peeked right now, up to <paramref name="max"/> (fewer at end of data).</summary>
    public ReadOnlySpan<byte> PeekUpTo(int max)
    {
        Ensure(Math.Min(max, BufferSize));
        return _buffer.AsSpan(_bufferStart, Math.Min(max, _bufferEnd - _bufferStart));
    }

    public ushort ReadUInt16(bool bigEndian)
    {
        var span = Take(2);
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    public uint ReadUInt32(bool bigEndian)
    {
        var span = Take(4);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    /// <summary>Consumes <paramref name="count"/> (≤ 64 KiB) bytes and returns them; throws at end of data.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        if (!Ensure(count))
            throw new DicomReadException($"unexpected end of data: {count} bytes needed, {_bufferEnd - _bufferStart} left", Position);
        var span = _buffer.AsSpan(_bufferStart, count);
        _bufferStart += count;
        return span;
    }

    /// <summary>
    /// Reads a value of <paramref name="length"/> bytes. The length is checked against what the source holds before
    /// allocating; for a source of unknown length the value grows in bounded chunks.
    /// </summary>
    public byte[] ReadBytes(long length, DicomTag tag)
    {
        if (length < 0) throw new DicomReadException($"negative length {length}", Position, tag);
        if (length > Remaining)
            throw new DicomReadException($"value length {length} exceeds the {Remaining} bytes left in the file", Position, tag);
        if (length > Array.MaxLength)
            throw new DicomReadException($"value length {length} is larger than this reader can hold", Position, tag);
        if (length == 0) return Array.Empty<byte>();
        if (Length is not null) // verified above: allocate once
        {
            var verified = new byte[length];
            ReadExactly(verified, tag);
            return verified;
        }
        // Inflating stream: grow as data really arrives, so a claimed 4 GB in a small deflated file fails at the end
        // of its data having taken only what was there (at most twice that, while the array doubles).
        var grown = new byte[(int)Math.Min(length, UnverifiedChunk)];
        long filled = 0;
        while (filled < length)
        {
            if (filled == grown.Length)
                Array.Resize(ref grown, (int)Math.Min(length, Math.Min((long)grown.Length * 2, Array.MaxLength)));
            var part = (int)Math.Min(grown.Length - filled, UnverifiedChunk);
            ReadExactly(grown.AsSpan((int)filled, part), tag);
            filled += part;
        }
        return grown;
    }

    private void ReadExactly(Span<byte> destination, DicomTag tag)
    {
        var start = Position;
        var buffered = Math.Min(destination.Length, _bufferEnd - _bufferStart);
        _buffer.AsSpan(_bufferStart, buffered).CopyTo(destination);
        _bufferStart += buffered;
        var done = buffered;
        while (done < destination.Length)
        {
            // Large remainders go straight from the stream; the buffer is empty here.
            var read = _stream.Read(destination[done..]);
            if (read <= 0)
                throw new DicomReadException($"value truncated: {destination.Length} bytes declared, {done} present", start, tag);
            done += read;
            _bufferOrigin += read;
        }
    }

    /// <summary>Moves past <paramref name="length"/> bytes (seeking when possible), checked against what is left.</summary>
    public void Skip(long length, DicomTag tag)
    {
        if (length < 0) throw new DicomReadException($"negative length {length}", Position, tag);
        if (length > Remaining)
            throw new DicomReadException($"value length {length} exceeds the {Remaining} bytes left in the file", Position, tag);
        var buffered = (int)Math.Min(length, _bufferEnd - _bufferStart);
        _bufferStart += buffered;
        var left = length - buffered;
        if (left == 0) return;
        if (_stream.CanSeek)
        {
            _bufferOrigin += _bufferEnd + left;
            _bufferStart = _bufferEnd = 0;
            _stream.Seek(_bufferOrigin, SeekOrigin.Begin);
            return;
        }
        var start = Position;
        while (left > 0)
        {
            _bufferOrigin += _bufferEnd;
            _bufferStart = _bufferEnd = 0;
            var read = _stream.Read(_buffer, 0, (int)Math.Min(left, _buffer.Length));
            if (read <= 0) throw new DicomReadException($"value truncated: {length} bytes declared", start, tag);
            _bufferOrigin += read;
            left -= read;
        }
    }

    /// <summary>
    /// Reads the last <paramref name="destination"/>.Length bytes of a seekable source without moving the read
    /// position (one small read, for "does anything follow?" checks); false when the source cannot seek.
    /// </summary>
    public bool TryReadLast(Span<byte> destination)
    {
        if (!_stream.CanSeek || _stream.Length < destination.Length) return false;
        var resume = _stream.Position;
        try
        {
            _stream.Seek(-destination.Length, SeekOrigin.End);
            _stream.ReadExactly(destination);
        }
        finally
        {
            _stream.Position = resume;
        }
        return true;
    }

    /// <summary>Everything after the current position as a stream (used to inflate a deflated dataset).</summary>
    public Stream RemainderAsStream()
    {
        var head = new MemoryStream(_buffer, _bufferStart, _bufferEnd - _bufferStart, writable: false);
        _bufferOrigin += _bufferEnd;
        _bufferStart = _bufferEnd = 0;
        return new ConcatenatedStream(head, _stream);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsStream) _stream.Dispose();
        System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>Reads one stream then another; for handing the buffered head plus the rest to an inflater.</summary>
    private sealed class ConcatenatedStream : ForwardOnlyStream
    {
        private readonly Stream _first;
        private readonly Stream _second;
        private bool _firstDone;

        public ConcatenatedStream(Stream first, Stream second)
        {
            _first = first;
            _second = second;
        }

        public override int Read(Span<byte> buffer)
        {
            if (!_firstDone)
            {
                var n = _first.Read(buffer);
                if (n > 0) return n;
                _firstDone = true;
            }
            return _second.Read(buffer);
        }
    }
}
