using System.Buffers;

namespace DicomTools.Export;

/// <summary>
/// A write-only, growable in-memory stream over a buffer rented from the shared array pool: what an encoder fills
/// before the bytes go to a file. A series export encodes one image per slice; a fresh MemoryStream each time put a
/// large-object-heap array per slice in the garbage collector's way, and those arrays set off its full collections.
/// Dispose returns the buffer: the bytes must not be used afterwards (<see cref="WrittenSpan"/> and friends throw).
/// </summary>
internal sealed class PooledByteStream : Stream
{
    private byte[]? _buffer;
    private int _length;

    public PooledByteStream(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    /// <summary>The bytes written so far (valid until the next write or Dispose).</summary>
    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _length);

    /// <summary>The bytes written so far as memory (valid until the next write or Dispose).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledByteStream));

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _buffer is not null;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var needed = (long)_length + buffer.Length;
        if (needed > Buffer.Length) Grow(needed);
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length = (int)needed;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    private void Grow(long needed)
    {
        if (needed > Array.MaxLength) throw new IOException($"an encoded image of {needed} bytes is more than one buffer holds");
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * Buffer.Length)));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = larger;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
        base.Dispose(disposing);
    }
}
