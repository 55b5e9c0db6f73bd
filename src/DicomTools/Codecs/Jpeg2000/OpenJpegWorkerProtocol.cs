using System.Buffers.Binary;
using System.Text;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// The messages between DicomTools and its OpenJPEG worker process (<see cref="OpenJpegWorkerProgram"/>), over the
/// worker's standard input and output. Little endian, length-prefixed, one request then one reply:
/// request = magic, frame geometry, OpenJPEG thread count, photometric interpretation, codestream;
/// reply = status, text (the photometric interpretation decoded, or the error message), and on success the frame's
/// bytes, exactly <see cref="FrameGeometry.FrameByteLength"/> long. Both sides are this assembly, so there is no
/// version negotiation beyond the magic.
/// </summary>
internal static class OpenJpegWorkerProtocol
{
    /// <summary>"DTJ1": a request from this version of the module.</summary>
    public const int RequestMagic = 0x314A5444;
    public const int StatusDecoded = 0;
    public const int StatusCodecError = 1;

    /// <summary>Texts (messages, photometric interpretations) are cut to this many bytes.</summary>
    private const int MaxTextBytes = 64 * 1024;

    public static void WriteRequest(Stream output, FrameGeometry geometry, int threads, ReadOnlySpan<byte> encoded)
    {
        Span<byte> head = stackalloc byte[4 * 10];
        int[] fields =
        {
            RequestMagic, geometry.Rows, geometry.Columns, geometry.SamplesPerPixel, geometry.BitsAllocated,
            geometry.BitsStored, geometry.IsSigned ? 1 : 0, geometry.PlanarConfiguration, threads, encoded.Length,
        };
        for (int i = 0; i < fields.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(head[(4 * i)..], fields[i]);
        output.Write(head);
        WriteText(output, geometry.PhotometricInterpretation);
        output.Write(encoded);
        output.Flush();
    }

    /// <summary>Reads a request into <paramref name="encoded"/> (grown when too small); false at the end of the input,
    /// i.e. when the parent closed the pipe or died.</summary>
    public static bool TryReadRequest(Stream input, ref byte[] encoded, out FrameGeometry geometry, out int threads, out int encodedLength)
    {
        geometry = null!;
        threads = 1;
        encodedLength = 0;
        var head = new byte[4 * 10];
        if (!TryReadExactly(input, head)) return false;
        int Field(int i) => BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4 * i));
        if (Field(0) != RequestMagic) throw new InvalidDataException("OpenJPEG worker: request out of step");
        string photometric = ReadText(input);
        geometry = new FrameGeometry(Field(1), Field(2), Field(3), Field(4), Field(5), Field(6) != 0, photometric, Field(7));
        threads = Field(8);
        encodedLength = Field(9);
        if (encodedLength < 0) throw new InvalidDataException("OpenJPEG worker: negative codestream length");
        if (encoded.Length < encodedLength) encoded = new byte[encodedLength];
        input.ReadExactly(encoded, 0, encodedLength);
        return true;
    }

    public static void WriteReply(Stream output, int status, string text, ReadOnlySpan<byte> frame)
    {
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(head, status);
        output.Write(head);
        WriteText(output, text);
        if (status == StatusDecoded) output.Write(frame);
        output.Flush();
    }

    /// <summary>Reads a reply; the frame goes straight into <paramref name="destination"/>. Throws
    /// <see cref="EndOfStreamException"/> when the worker's output ends (it died).</summary>
    public static (int Status, string Text) ReadReply(Stream input, Span<byte> destination)
    {
        Span<byte> head = stackalloc byte[4];
        input.ReadExactly(head);
        int status = BinaryPrimitives.ReadInt32LittleEndian(head);
        string text = ReadText(input);
        if (status == StatusDecoded) input.ReadExactly(destination);
        return (status, text);
    }

    private static void WriteText(Stream output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        int length = Math.Min(bytes.Length, MaxTextBytes);
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(head, length);
        output.Write(head);
        output.Write(bytes, 0, length);
    }

    private static string ReadText(Stream input)
    {
        Span<byte> head = stackalloc byte[4];
        input.ReadExactly(head);
        int length = BinaryPrimitives.ReadInt32LittleEndian(head);
        if (length < 0 || length > MaxTextBytes) throw new InvalidDataException("OpenJPEG worker: text length out of range");
        var bytes = new byte[length];
        input.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>False when the stream ends before the first byte (a clean end); throws when it ends part-way.</summary>
    private static bool TryReadExactly(Stream input, Span<byte> buffer)
    {
        int read = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read == 0) return false;
        if (read < buffer.Length) throw new EndOfStreamException("OpenJPEG worker: request cut short");
        return true;
    }
}
