using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// The buffered reader under the parser: positions across its 64 KiB buffer, lengths checked against what a
/// seekable source holds before allocating, and bounded growth where the source cannot tell (inflating streams).
/// </summary>
public sealed class ByteSourceTests
{
    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + (i >> 8))).ToArray();

    /// <summary>A stream that cannot seek or tell its length, as an inflater is.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        private readonly MemoryStream _inner;
        public ForwardOnlyStream(byte[] bytes) => _inner = new MemoryStream(bytes);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Reads_across_the_buffer_boundary()
    {
        var bytes = Pattern(200_000);
        using var source = new ByteSource(new MemoryStream(bytes), ownsStream: true);

        Assert.Equal(200_000, source.Length);
        source.Skip(65_530, default);
        Assert.Equal(65_530, source.Position);
        Assert.Equal(bytes.AsSpan(65_530, 12).ToArray(), source.Take(12).ToArray());
        Assert.Equal(bytes.AsSpan(65_542, 100_001).ToArray(), source.ReadBytes(100_001, default));
        Assert.Equal(165_543, source.Position);
        Assert.Equal(200_000 - 165_543, source.Remaining);
        var peeked = source.Peek(4).ToArray();
        Assert.Equal(peeked, source.Take(4).ToArray());
        Assert.Equal((ushort)(bytes[165_547] | bytes[165_548] << 8), source.ReadUInt16(bigEndian: false));
        Assert.Equal((uint)(bytes[165_549] << 24 | bytes[165_550] << 16 | bytes[165_551] << 8 | bytes[165_552]), source.ReadUInt32(bigEndian: true));
    }

    [Fact]
    public void Length_beyond_the_source_fails_before_allocating()
    {
        using var source = new ByteSource(new MemoryStream(new byte[1000]), ownsStream: true);
        source.Take(10);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DicomReadException>(() => source.ReadBytes(0xFFFFFFF0, new DicomTag(0x0009, 0x1000)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000);
        Assert.Equal(10, e.Offset);
        Assert.Throws<DicomReadException>(() => source.Skip(991, default));
        Assert.Throws<DicomReadException>(() => source.ReadBytes(-1, default));
    }

    [Fact]
    public void Forward_only_source_reads_values_whole()
    {
        var bytes = Pattern(300_000);
        using var source = new ByteSource(new ForwardOnlyStream(bytes), ownsStream: true, logicalStart: 500);

        Assert.Null(source.Length);
        Assert.Equal(long.MaxValue, source.Remaining);
        Assert.Equal(500, source.Position);
        source.Skip(70_000, default);
        Assert.Equal(70_500, source.Position);
        Assert.Equal(bytes.AsSpan(70_000, 150_000).ToArray(), source.ReadBytes(150_000, default));
        Assert.Equal(220_500, source.Position);
    }

    [Fact]
    public void Forward_only_source_fails_at_the_end_of_data_with_bounded_allocation()
    {
        using var source = new ByteSource(new ForwardOnlyStream(new byte[3000]), ownsStream: true);
        source.Take(8);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DicomReadException>(() => source.ReadBytes(0x7FFF0000, new DicomTag(0x0009, 0x1000)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 8_000_000, $"a claimed 2 GB value over 3000 bytes allocated {allocated}");
    }

    [Fact]
    public void Forward_only_skip_past_the_end_fails()
    {
        using var source = new ByteSource(new ForwardOnlyStream(new byte[3000]), ownsStream: true);
        Assert.Throws<DicomReadException>(() => source.Skip(200_000, default));
    }

    [Fact]
    public void Remainder_includes_what_is_buffered()
    {
        var bytes = Pattern(100_000);
        using var source = new ByteSource(new MemoryStream(bytes), ownsStream: true);
        source.Take(3);

        using var rest = source.RemainderAsStream();
        var copy = new MemoryStream();
        rest.CopyTo(copy);

        Assert.Equal(bytes.AsSpan(3).ToArray(), copy.ToArray());
    }

    [Fact]
    public void Take_at_the_end_is_a_read_exception()
    {
        using var source = new ByteSource(new MemoryStream(new byte[3]), ownsStream: true);
        Assert.False(source.IsAtEnd);
        Assert.Throws<DicomReadException>(() => source.ReadUInt32(false));
        Assert.Equal(3, source.PeekUpTo(10).Length);
    }
}
