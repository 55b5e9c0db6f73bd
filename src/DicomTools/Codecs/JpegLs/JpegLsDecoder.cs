using System.Buffers;
using DicomTools.Codecs.Jpeg;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;

namespace DicomTools.Codecs.JpegLs;

/// <summary>
/// JPEG-LS lossless and near-lossless (<see cref="TransferSyntaxes"/>) through CharLS 2.x, loaded on first use
/// (<see cref="NativeLibraries.CharLs"/>). CharLS writes 1 byte per sample for precisions up to 8 bits and 2 bytes
/// (machine order, little endian on every platform .NET runs on) above; interleave modes line and sample come out
/// pixel-interleaved, mode none (one scan per component) comes out plane by plane and is interleaved here.
/// </summary>
/// <remarks>
/// The DICOM header decides the layout: the codestream must agree on rows, columns and component count, and its
/// precision must fit Bits Allocated; an 8-bit codestream in a 16-bit frame is widened. Samples are written as coded
/// (JPEG-LS codes unsigned values; a signed image's two's-complement bits pass through unchanged and are
/// sign-extended downstream from the header's High Bit). The output size is checked against CharLS's own
/// computation before it is asked to write, and it is handed the exact buffer length.
/// </remarks>
internal sealed class JpegLsDecoder : IFrameDecoder
{
    private readonly NativeCodecLibrary _library;

    public JpegLsDecoder() : this(NativeLibraries.CharLs) { }

    /// <summary>Uses another library description (tests: a name that does not exist).</summary>
    internal JpegLsDecoder(NativeCodecLibrary library) => _library = library;

    public string Name => "JPEG-LS";

    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[] { TransferSyntax.JpegLsLossless, TransferSyntax.JpegLsNearLossless };

    /// <summary>A JPEG-LS codestream opens with SOI, as every JPEG codestream does.</summary>
    public bool IsFrameStart(ReadOnlySpan<byte> head) => JpegDecoders.StartsWithSoi(head);

    public unsafe string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.BitsAllocated != 8 && geometry.BitsAllocated != 16)
        {
            throw new CodecException($"JPEG-LS holds 2- to 16-bit samples; Bits Allocated {geometry.BitsAllocated} cannot come from it");
        }
        // The library first: without it, saying what to install matters more than what is wrong with the frame.
        var api = CharLsApi.For(_library);
        if (encoded.IsEmpty) throw new CodecException("JPEG-LS frame is empty");
        JpegLsStructure.Check(encoded);

        IntPtr decoder = api.Create();
        if (decoder == IntPtr.Zero) throw new CodecException("CharLS could not create a JPEG-LS decoder (out of memory)");
        try
        {
            fixed (byte* source = encoded)
            {
                Check(api, api.SetSourceBuffer(decoder, source, (nuint)encoded.Length), "setting the source");
                Check(api, api.ReadHeader(decoder), "reading the header");
                CharLsApi.FrameInfo info;
                Check(api, api.GetFrameInfo(decoder, &info), "reading the frame info");
                int interleaveMode;
                Check(api, api.GetInterleaveMode(decoder, &interleaveMode), "reading the interleave mode");
                int codedBytesPerSample = ValidateAgainstHeader(info, interleaveMode, geometry);

                nuint codedSize;
                Check(api, api.GetDestinationSize(decoder, 0, &codedSize), "computing the output size");
                long expectedSize = (long)geometry.Rows * geometry.Columns * geometry.SamplesPerPixel * codedBytesPerSample;
                if (codedSize != (ulong)expectedSize)
                {
                    throw new CodecException($"CharLS wants a {codedSize}-byte output for a frame of {expectedSize} bytes");
                }

                bool planar = interleaveMode == CharLsApi.InterleaveNone && geometry.SamplesPerPixel > 1;
                if (!planar && codedBytesPerSample == geometry.BytesPerSample)
                {
                    // CharLS's layout is already ours: decode straight into the caller's buffer.
                    fixed (byte* output = destination)
                    {
                        Check(api, api.DecodeToBuffer(decoder, output, (nuint)destination.Length, 0), "decoding");
                    }
                    return geometry.PhotometricInterpretation;
                }

                byte[] scratch = ArrayPool<byte>.Shared.Rent((int)expectedSize);
                try
                {
                    fixed (byte* output = scratch)
                    {
                        Check(api, api.DecodeToBuffer(decoder, output, (nuint)expectedSize, 0), "decoding");
                    }
                    Relayout(scratch.AsSpan(0, (int)expectedSize), codedBytesPerSample, planar, geometry, destination);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }
        }
        finally
        {
            api.Destroy(decoder);
        }
        return geometry.PhotometricInterpretation;
    }

    /// <summary>Checks the codestream's frame against the header; returns CharLS's bytes per sample.</summary>
    private static int ValidateAgainstHeader(CharLsApi.FrameInfo info, int interleaveMode, FrameGeometry geometry)
    {
        if (info.Width != geometry.Columns || info.Height != geometry.Rows || info.ComponentCount != geometry.SamplesPerPixel)
        {
            throw new CodecException(
                $"JPEG-LS codestream is {info.Width}x{info.Height} with {info.ComponentCount} component(s); the header says {geometry.Columns}x{geometry.Rows} with {geometry.SamplesPerPixel}");
        }
        if (info.BitsPerSample < 2 || info.BitsPerSample > 16 || info.BitsPerSample > geometry.BitsAllocated)
        {
            throw new CodecException(
                $"JPEG-LS codestream has {info.BitsPerSample}-bit samples, which do not fit Bits Allocated {geometry.BitsAllocated}");
        }
        if (interleaveMode is not (CharLsApi.InterleaveNone or CharLsApi.InterleaveLine or CharLsApi.InterleaveSample))
        {
            throw new CodecException($"JPEG-LS codestream has unknown interleave mode {interleaveMode}");
        }
        return info.BitsPerSample <= 8 ? 1 : 2;
    }

    /// <summary>
    /// Moves CharLS's output into the native layout: planes to interleaved samples and/or 1-byte samples widened to
    /// 2 bytes. (Narrowing cannot occur: the codestream's precision was checked to fit Bits Allocated.)
    /// </summary>
    private static void Relayout(ReadOnlySpan<byte> coded, int codedBytes, bool planar, FrameGeometry geometry, Span<byte> destination)
    {
        int samples = geometry.SamplesPerPixel;
        int pixels = geometry.Rows * geometry.Columns;
        int outputBytes = geometry.BytesPerSample;
        for (int component = 0; component < samples; component++)
        {
            int sourceIndex = planar ? component * pixels : component;
            int sourceStep = planar ? 1 : samples;
            int targetIndex = component;
            for (int pixel = 0; pixel < pixels; pixel++, sourceIndex += sourceStep, targetIndex += samples)
            {
                int value = codedBytes == 1 ? coded[sourceIndex] : coded[2 * sourceIndex] | coded[2 * sourceIndex + 1] << 8;
                if (outputBytes == 1)
                {
                    destination[targetIndex] = (byte)value;
                }
                else
                {
                    destination[2 * targetIndex] = (byte)value;
                    destination[2 * targetIndex + 1] = (byte)(value >> 8);
                }
            }
        }
    }

    private static void Check(CharLsApi api, int errorCode, string step)
    {
        if (errorCode != 0) throw new CodecException($"JPEG-LS codestream could not be decoded ({step}): {api.Describe(errorCode)}");
    }
}
