using System.IO.Compression;
using DicomTools.Dicom;

namespace DicomTools.Codecs.Deflate;

/// <summary>
/// Deflated Image Frame Compression (<see cref="TransferSyntax.DeflatedImageFrameCompression"/>, Supplement 244, PS3.5 8.2.16): every
/// frame is the native little-endian frame compressed on its own with Deflate (RFC 1951) as one fragment, padded to
/// an even length. The only real sample (pydicom-data liver_deflate.dcm) is raw Deflate with no zlib wrapper, as the
/// supplement specifies; a stream that instead opens with a valid zlib header (RFC 1950) is accepted too, since a
/// writer calling zlib's default compress() would produce one.
/// </summary>
/// <remarks>
/// Inflation stops at exactly <see cref="FrameGeometry.FrameByteLength"/> bytes written into the caller's buffer, so a
/// decompression bomb cannot grow memory; output beyond the frame (an encoder's padding) is never produced. A stream
/// that ends before filling the frame is a <see cref="CodecException"/>.
/// </remarks>
internal sealed class DeflatedFrameDecoder : IFrameDecoder
{
    public string Name => "Deflated Image Frame Compression";

    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[] { TransferSyntax.DeflatedImageFrameCompression };

    /// <summary>A raw Deflate stream has no signature to find a frame by: every frame is one fragment.</summary>
    public bool IsFrameStart(ReadOnlySpan<byte> head) => false;

    public unsafe string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (encoded.IsEmpty) throw new CodecException("deflated frame is empty");

        int written = 0;
        fixed (byte* source = encoded)
        {
            using var input = new UnmanagedMemoryStream(source, encoded.Length);
            using Stream inflater = HasZlibHeader(encoded)
                ? new ZLibStream(input, CompressionMode.Decompress)
                : new DeflateStream(input, CompressionMode.Decompress);
            try
            {
                while (written < destination.Length)
                {
                    int read = inflater.Read(destination.Slice(written));
                    if (read == 0) break;
                    written += read;
                }
            }
            catch (InvalidDataException ex)
            {
                throw new CodecException($"deflated frame is damaged after {written} of {destination.Length} decoded bytes: {ex.Message}", ex);
            }
        }
        if (written < destination.Length)
        {
            throw new CodecException($"deflated frame ends after {written} decoded bytes; the frame needs {destination.Length}");
        }
        return geometry.PhotometricInterpretation;
    }

    /// <summary>
    /// RFC 1950 header: compression method 8, window at most 32 KiB, no preset dictionary, and the check bits making
    /// the first two bytes a multiple of 31. Read as raw Deflate, such a first byte starts a stored block; when the
    /// next four bytes also form a valid stored-block length and its one's complement, the raw reading wins.
    /// </summary>
    private static bool HasZlibHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return false;
        byte method = data[0], flags = data[1];
        bool zlibHeader = (method & 0x0F) == 8 && (method >> 4) <= 7 && (flags & 0x20) == 0 && ((method << 8) | flags) % 31 == 0;
        if (!zlibHeader) return false;
        bool validStoredBlock = data.Length >= 5 && (data[1] | data[2] << 8) == (~(data[3] | data[4] << 8) & 0xFFFF);
        return !validStoredBlock;
    }
}
