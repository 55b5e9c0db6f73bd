using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Dicom;

namespace DicomTools.Codecs.Rle;

/// <summary>
/// RLE Lossless (<see cref="TransferSyntax.RleLossless"/>, PS3.5 Annex G). A frame is a 64-byte header (segment count and
/// up to 15 segment offsets, little endian) followed by PackBits-coded segments: one per byte of each sample, the
/// most significant byte first, all of one colour plane before the next. Each segment decodes to Rows x Columns bytes,
/// which this decoder scatters straight into the interleaved little-endian output.
/// </summary>
/// <remarks>
/// Bounds: a run that would pass its segment's Rows x Columns bytes is cut (the excess is ignored, as DCMTK ignores
/// trailing garbage); a segment that ends before producing Rows x Columns bytes is a <see cref="CodecException"/>
/// naming the segment, as DCMTK ("RLE decoder is finished but has produced insufficient data") and pydicom ("amount
/// of decoded RLE segment data doesn't match") both refuse it rather than zero-fill. RLE does no colour transform,
/// so the header's photometric interpretation is returned unchanged (YBR_FULL stays YBR_FULL).
/// </remarks>
internal sealed class RleDecoder : IFrameDecoder
{
    private const int HeaderLength = 64;
    private const int MaxSegments = 15;

    public string Name => "RLE Lossless";

    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[] { TransferSyntax.RleLossless };

    /// <summary>A frame opens with its header: a segment count of 1 to 15, the first segment right after the
    /// 64-byte header.</summary>
    public bool IsFrameStart(ReadOnlySpan<byte> head) =>
        head.Length >= 8
        && BinaryPrimitives.ReadUInt32LittleEndian(head) is >= 1 and <= MaxSegments
        && BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) == HeaderLength;

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.BitsAllocated < 8 || geometry.BitsAllocated % 8 != 0)
        {
            throw new CodecException($"RLE Lossless cannot hold {geometry.BitsAllocated}-bit samples: Bits Allocated must be a multiple of 8");
        }

        int bytesPerSample = geometry.BitsAllocated / 8;
        int expectedSegments = geometry.SamplesPerPixel * bytesPerSample;
        if (expectedSegments > MaxSegments)
        {
            throw new CodecException(
                $"RLE Lossless holds at most {MaxSegments} segments; {geometry.SamplesPerPixel} samples of {geometry.BitsAllocated} bits need {expectedSegments}");
        }
        if (encoded.Length < HeaderLength)
        {
            throw new CodecException($"RLE frame is {encoded.Length} bytes, shorter than its {HeaderLength}-byte header");
        }

        uint declaredSegments = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (declaredSegments != expectedSegments)
        {
            throw new CodecException(
                $"RLE header declares {declaredSegments} segments; {geometry.SamplesPerPixel} sample(s) of {geometry.BitsAllocated} bits need {expectedSegments}");
        }

        Span<int> offsets = stackalloc int[MaxSegments];
        for (int segment = 0; segment < expectedSegments; segment++)
        {
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(encoded.Slice(4 + 4 * segment));
            uint previousEnd = segment == 0 ? HeaderLength - 1 : (uint)offsets[segment - 1];
            if (offset <= previousEnd || offset >= (uint)encoded.Length)
            {
                throw new CodecException(
                    $"RLE segment {segment + 1} of {expectedSegments} has offset {offset}: offsets must increase, start at {HeaderLength} or later, and lie inside the {encoded.Length}-byte frame");
            }
            offsets[segment] = (int)offset;
        }

        int pixelCount = checked(geometry.Rows * geometry.Columns);
        int pixelStride = expectedSegments; // bytes from one pixel to the next in the interleaved output
        for (int segment = 0; segment < expectedSegments; segment++)
        {
            int sample = segment / bytesPerSample;
            int byteFromMostSignificant = segment % bytesPerSample;
            // Little-endian output: the most significant byte of a sample goes last.
            int firstOutput = sample * bytesPerSample + (bytesPerSample - 1 - byteFromMostSignificant);
            int end = segment + 1 < expectedSegments ? offsets[segment + 1] : encoded.Length;
            var source = encoded.Slice(offsets[segment], end - offsets[segment]);

            int produced = pixelStride == 1
                ? DecodeContiguous(source, destination.Slice(0, pixelCount))
                : DecodeStrided(source, destination, firstOutput, pixelStride, pixelCount);
            if (produced < pixelCount)
            {
                throw new CodecException(
                    $"RLE segment {segment + 1} of {expectedSegments} (sample {sample + 1}, byte {byteFromMostSignificant + 1} from the most significant) decodes to {produced} bytes; {pixelCount} expected");
            }
        }
        return geometry.PhotometricInterpretation;
    }

    /// <summary>PackBits into consecutive bytes (8-bit single-sample frames): whole runs at a time.</summary>
    private static int DecodeContiguous(ReadOnlySpan<byte> source, Span<byte> output)
    {
        int input = 0, produced = 0, wanted = output.Length;
        while (produced < wanted && input < source.Length)
        {
            int header = (sbyte)source[input++];
            if (header >= 0)
            {
                // Literal run of header + 1 bytes, cut to what the source holds and what the segment may still take.
                int length = Math.Min(Math.Min(header + 1, source.Length - input), wanted - produced);
                source.Slice(input, length).CopyTo(output.Slice(produced));
                input += header + 1;
                produced += length;
            }
            else if (header != -128) // -128 is a no-op by the PackBits rules
            {
                if (input >= source.Length) break;
                int length = Math.Min(1 - header, wanted - produced);
                output.Slice(produced, length).Fill(source[input++]);
                produced += length;
            }
        }
        return produced;
    }

    /// <summary>
    /// PackBits into every <paramref name="stride"/>-th byte starting at <paramref name="first"/>: one byte of each
    /// pixel's sample. Bounds are proven once (first &lt; stride, count x stride = output length) so the inner loops
    /// run without per-byte checks.
    /// </summary>
    private static int DecodeStrided(ReadOnlySpan<byte> source, Span<byte> output, int first, int stride, int count)
    {
        if ((uint)first >= (uint)stride || (long)count * stride > output.Length) throw new InvalidOperationException("RLE output layout out of bounds");
        ref byte outputStart = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), first);
        int input = 0, produced = 0;
        while (produced < count && input < source.Length)
        {
            int header = (sbyte)source[input++];
            if (header >= 0)
            {
                int length = Math.Min(Math.Min(header + 1, source.Length - input), count - produced);
                var literal = source.Slice(input, length);
                nint position = (nint)produced * stride;
                for (int i = 0; i < literal.Length; i++, position += stride)
                {
                    Unsafe.Add(ref outputStart, position) = literal[i];
                }
                input += header + 1;
                produced += length;
            }
            else if (header != -128)
            {
                if (input >= source.Length) break;
                byte value = source[input++];
                int length = Math.Min(1 - header, count - produced);
                nint position = (nint)produced * stride;
                for (int i = 0; i < length; i++, position += stride)
                {
                    Unsafe.Add(ref outputStart, position) = value;
                }
                produced += length;
            }
        }
        return produced;
    }
}
