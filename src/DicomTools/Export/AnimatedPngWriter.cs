using System.Buffers.Binary;

namespace DicomTools.Export;

/// <summary>
/// Animated PNG (APNG 1.0: acTL, fcTL, fdAT) of 8-bit grey or RGB frames, written frame by frame as they come so a
/// long cine loop never needs all its frames in memory. The first frame is the default image (IDAT), so a reader
/// without APNG support shows it as a still. acTL holds the frame count up front; when fewer frames arrive and the
/// stream can seek, the count is corrected at <see cref="Finish"/>.
/// </summary>
public sealed class AnimatedPngWriter : IAnimationWriter
{
    private readonly Stream _output;
    private readonly int _width, _height, _channels, _compressionLevel;
    private readonly long _actlPosition;
    private int _declaredFrames;
    private int _frames;
    private int _sequence;
    private bool _finished;

    /// <param name="channels">1 (grey, PNG colour type 0) or 3 (RGB, colour type 2).</param>
    /// <param name="frameCount">Frames that will be added.</param>
    /// <param name="loops">Times to play; 0 loops for ever.</param>
    public AnimatedPngWriter(Stream output, int width, int height, int channels, int frameCount, int loops = 0,
        int compressionLevel = EncodeOptions.DefaultCompressionLevel)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} is not positive.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (grey) or 3 (RGB).");
        if (frameCount < 1) throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "At least one frame.");
        _output = output;
        (_width, _height, _channels, _compressionLevel, _declaredFrames) = (width, height, channels, compressionLevel, frameCount);
        PngWriter.WriteSignatureAndHeader(output, width, height, 8, channels == 1 ? (byte)0 : (byte)2);
        _actlPosition = output.CanSeek ? output.Position : -1;
        WriteAnimationControl(frameCount, loops);
        _loops = loops;
    }

    private readonly int _loops;

    public int FramesWritten => _frames;

    /// <summary>Adds one frame (row-major, the writer's size and channels) shown for <paramref name="delayMilliseconds"/>.</summary>
    public void AddFrame(ReadOnlySpan<byte> pixels, double delayMilliseconds)
    {
        if (_finished) throw new InvalidOperationException("The animation is finished.");
        if (pixels.Length != (long)_width * _height * _channels)
            throw new ArgumentException($"{pixels.Length} bytes for a {_width}x{_height}x{_channels} frame.");
        if (_frames == _declaredFrames)
            throw new InvalidOperationException($"The animation was declared with {_declaredFrames} frames.");

        // fcTL: the whole canvas, shown for delay_num / delay_den seconds, replacing the previous frame.
        Span<byte> control = stackalloc byte[26];
        BinaryPrimitives.WriteInt32BigEndian(control, _sequence++);
        BinaryPrimitives.WriteInt32BigEndian(control[4..], _width);
        BinaryPrimitives.WriteInt32BigEndian(control[8..], _height);
        BinaryPrimitives.WriteInt32BigEndian(control[12..], 0);
        BinaryPrimitives.WriteInt32BigEndian(control[16..], 0);
        var (numerator, denominator) = Delay(delayMilliseconds);
        BinaryPrimitives.WriteUInt16BigEndian(control[20..], numerator);
        BinaryPrimitives.WriteUInt16BigEndian(control[22..], denominator);
        control[24] = 0; // dispose: none
        control[25] = 0; // blend: source (opaque frames replace)
        PngWriter.WriteChunk(_output, "fcTL"u8, control);

        int rowBytes = _width * _channels;
        using var compressed = PngWriter.Compress(pixels, _height, rowBytes, _channels, _compressionLevel);
        if (_frames == 0) PngWriter.WriteImageData(_output, compressed.WrittenSpan, "IDAT"u8, sequence: null);
        else PngWriter.WriteImageData(_output, compressed.WrittenSpan, "fdAT"u8, () => _sequence++);
        _frames++;
    }

    /// <summary>Writes IEND. With fewer frames than declared, rewrites acTL when the stream can seek.</summary>
    public void Finish()
    {
        if (_finished) return;
        if (_frames == 0) throw new InvalidOperationException("An animation needs at least one frame.");
        if (_frames != _declaredFrames)
        {
            if (_actlPosition < 0)
                throw new InvalidOperationException($"{_frames} frames were written, {_declaredFrames} declared, and the output cannot seek to correct it.");
            long end = _output.Position;
            _output.Position = _actlPosition;
            _declaredFrames = _frames;
            WriteAnimationControl(_frames, _loops);
            _output.Position = end;
        }
        PngWriter.WriteChunk(_output, "IEND"u8, ReadOnlySpan<byte>.Empty);
        _finished = true;
    }

    private void WriteAnimationControl(int frames, int loops)
    {
        Span<byte> actl = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(actl, frames);
        BinaryPrimitives.WriteInt32BigEndian(actl[4..], loops);
        PngWriter.WriteChunk(_output, "acTL"u8, actl);
    }

    /// <summary>A delay as a fraction of a second: milliseconds over 1000 when it fits 16 bits, else centiseconds.</summary>
    internal static (ushort Numerator, ushort Denominator) Delay(double milliseconds)
    {
        double ms = Math.Max(0, Math.Round(milliseconds));
        if (ms <= ushort.MaxValue) return ((ushort)ms, 1000);
        return ((ushort)Math.Min(ushort.MaxValue, Math.Round(ms / 10)), 100);
    }
}
