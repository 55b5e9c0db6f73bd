using System.Buffers;
using System.Runtime.InteropServices;
using DicomTools.Codecs.Jpeg;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;

namespace DicomTools.Codecs.JpegXl;

/// <summary>
/// JPEG XL (ISO/IEC 18181; PS3.5 section 8.2.15 and A.4.12) through libjxl, loaded on first use
/// (<see cref="NativeLibraries.JpegXl"/>). One instance per transfer syntax, because each promises something
/// different about the codestream and that is checked here: JPEG XL Lossless (.110) must be coded in the image's
/// own colour space (not XYB, which is lossy); JPEG XL JPEG Recompression (.111) must carry the data that rebuilds the
/// original JPEG; JPEG XL (.112) is any of these. A codestream that carries its JPEG (always under .111, possibly
/// under the others) gives that JPEG's pixels: libjxl rebuilds the JPEG bitstream and our own DCT decoder
/// (<see cref="JpegDecoders.Dct"/>) decodes it, so the frame gives exactly what the .50 frame it came from gives
/// (libjxl's own pixel output differs from libjpeg's by a few levels).
/// Bare codestreams and the ISO BMFF container are both accepted.
/// </summary>
/// <remarks>
/// <para>Trust: the codestream's size, colour channels and bit depth are compared with the DICOM header as soon as
/// libjxl has read its basic info, before it decodes (and allocates for) any pixels; libjxl is given an output buffer
/// of exactly the frame's size, and every call that could loop is bounded. A damaged or truncated codestream is a
/// <see cref="CodecException"/>.</para>
/// <para>Samples: libjxl writes integers of the codestream's own bit depth (8-bit codestreams as bytes, deeper ones
/// as 16-bit words), channels interleaved, which is the DICOM native layout; an 8-bit codestream in a 16-bit frame is
/// widened. Values above the range of Bits Stored (a lossy codestream's overshoot) are clamped to its maximum. JPEG XL
/// codes unsigned integers: a signed image's two's-complement bits pass through and are sign-extended downstream
/// from the header's High Bit. libjxl's parallel runner is not used: frames already decode in parallel across
/// cores.</para>
/// </remarks>
internal sealed unsafe class JpegXlDecoder : IFrameDecoder
{
    public static JpegXlDecoder Lossless { get; } = new(TransferSyntax.JpegXLLossless);

    public static JpegXlDecoder JpegRecompression { get; } = new(TransferSyntax.JpegXLJpegRecompression);

    public static JpegXlDecoder Any { get; } = new(TransferSyntax.JpegXL);

    /// <summary>ProcessInput calls for one frame: basic info, JPEG or image buffer, a few output-buffer growths,
    /// the image. A codestream that needs more is refused rather than looped over.</summary>
    private const int MaxDecoderSteps = 64;

    private readonly TransferSyntax _syntax;
    private readonly NativeCodecLibrary _library;

    private JpegXlDecoder(TransferSyntax syntax) : this(syntax, NativeLibraries.JpegXl) { }

    /// <summary>Uses another library description (tests: a name that does not exist).</summary>
    internal JpegXlDecoder(TransferSyntax syntax, NativeCodecLibrary library)
    {
        if (syntax.PixelEncoding != PixelEncoding.JpegXl) throw new ArgumentException($"{syntax.Name} is not a JPEG XL transfer syntax", nameof(syntax));
        _syntax = syntax;
        _library = library;
        TransferSyntaxes = new[] { syntax };
    }

    public string Name => _syntax.Name;

    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; }

    private bool IsLosslessOnly => _syntax == TransferSyntax.JpegXLLossless;

    private bool IsJpegRecompression => _syntax == TransferSyntax.JpegXLJpegRecompression;

    /// <summary>A bare codestream opens with FF 0A; the container with its 12-byte signature box "JXL ".</summary>
    public bool IsFrameStart(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0xFF && head[1] == 0x0A
        || head.Length >= 12 && head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] == 0x0C
           && head[4] == 0x4A && head[5] == 0x58 && head[6] == 0x4C && head[7] == 0x20
           && head[8] == 0x0D && head[9] == 0x0A && head[10] == 0x87 && head[11] == 0x0A;

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        CheckHeader(geometry);
        // The library first: without it, saying what to install matters more than what is wrong with the frame.
        var api = JpegXlApi.For(_library);
        if (encoded.IsEmpty) throw new CodecException($"{Name} frame is empty");

        IntPtr decoder = api.Create(null);
        if (decoder == IntPtr.Zero) throw new CodecException($"libjxl could not create a {Name} decoder (out of memory)");
        var jpeg = new JpegOutputBuffer(geometry, encoded.Length);
        byte[]? scratch = null;
        GCHandle scratchHandle = default;
        try
        {
            fixed (byte* input = encoded)
            fixed (byte* output = destination)
            {
                // Whatever the syntax, a codestream that carries its JPEG is decoded as that JPEG (one rule for all three).
                int events = JpegXlApi.EventBasicInfo | JpegXlApi.EventFullImage | JpegXlApi.EventJpegReconstruction;
                Check(api.SubscribeEvents(decoder, events), "subscribing to events");
                Check(api.SetInput(decoder, input, (nuint)encoded.Length), "setting the input");
                api.CloseInput(decoder);

                int outputBytesPerSample = 0;
                bool outputSet = false;
                for (int step = 0; ; step++)
                {
                    if (step == MaxDecoderSteps) throw Damaged($"libjxl asked for more than {MaxDecoderSteps} steps");
                    int status = api.ProcessInput(decoder);
                    switch (status)
                    {
                        case JpegXlApi.EventBasicInfo:
                            JpegXlApi.BasicInfo info;
                            Check(api.GetBasicInfo(decoder, &info), "reading the basic info");
                            outputBytesPerSample = CheckCodestream(info, geometry);
                            break;
                        case JpegXlApi.EventJpegReconstruction:
                            if (outputBytesPerSample == 0) throw Damaged("libjxl offered the JPEG before the basic info");
                            jpeg.Start(api, decoder);
                            break;
                        case JpegXlApi.StatusJpegNeedMoreOutput:
                            jpeg.Grow(api, decoder);
                            break;
                        case JpegXlApi.StatusNeedImageOutBuffer:
                            if (IsJpegRecompression)
                                throw new CodecException($"{Name} codestream holds no JPEG reconstruction data: it is not a recompressed JPEG, as this transfer syntax requires");
                            if (outputBytesPerSample == 0) throw Damaged("libjxl asked for pixels before the basic info");
                            if (outputSet) throw Damaged("libjxl asked twice for the output buffer");
                            outputSet = true;
                            if (outputBytesPerSample == geometry.BytesPerSample)
                            {
                                SetImageOutput(api, decoder, outputBytesPerSample, geometry, output, destination.Length);
                            }
                            else
                            {
                                int length = checked((int)(geometry.SampleCount * outputBytesPerSample));
                                scratch = ArrayPool<byte>.Shared.Rent(length);
                                // libjxl keeps the pointer across ProcessInput calls: pinned until the decoder is gone.
                                scratchHandle = GCHandle.Alloc(scratch, GCHandleType.Pinned);
                                SetImageOutput(api, decoder, outputBytesPerSample, geometry, (byte*)scratchHandle.AddrOfPinnedObject(), length);
                            }
                            break;
                        case JpegXlApi.EventFullImage:
                            if (jpeg.IsStarted)
                                return DecodeReconstructedJpeg(jpeg.Finish(api, decoder), geometry, destination);
                            if (scratch is not null) Widen(scratch.AsSpan(0, (int)geometry.SampleCount), destination);
                            ClampToBitsStored(geometry, destination);
                            return geometry.PhotometricInterpretation;
                        case JpegXlApi.StatusSuccess:
                            throw Damaged("the codestream ended without an image");
                        case JpegXlApi.StatusNeedMoreInput:
                            throw Damaged("the codestream is truncated");
                        case JpegXlApi.StatusError:
                            throw Damaged("libjxl found it invalid");
                        default:
                            throw Damaged($"libjxl returned the unexpected status 0x{status:X}");
                    }
                }
            }
        }
        finally
        {
            api.Destroy(decoder);
            jpeg.Dispose();
            if (scratchHandle.IsAllocated) scratchHandle.Free();
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The header of a JPEG XL frame, as far as decoding depends on it (our reading of PS3.5 8.2.15 and Table
    /// 8.2.15-1, kept permissive where unsure): grey or colour, 8 or 16 bits allocated; JPEG recompression holds
    /// 8-bit unsigned samples (libjxl recompresses 8-bit JPEGs only).
    /// </summary>
    private void CheckHeader(FrameGeometry geometry)
    {
        if (geometry.Rows <= 0 || geometry.Columns <= 0)
            throw new CodecException($"{Name}: header geometry {geometry.Columns}x{geometry.Rows} holds no pixels");
        if (geometry.SamplesPerPixel is not (1 or 3))
            throw new CodecException($"{Name} frames hold 1 (grey) or 3 (colour) samples per pixel; the header says {geometry.SamplesPerPixel}");
        if (geometry.BitsAllocated is not (8 or 16))
            throw new CodecException($"{Name} frames are 8 or 16 bits allocated; the header says {geometry.BitsAllocated}");
        if (geometry.BitsStored < 1 || geometry.BitsStored > geometry.BitsAllocated)
            throw new CodecException($"{Name}: Bits Stored {geometry.BitsStored} does not fit Bits Allocated {geometry.BitsAllocated}");
        if (IsJpegRecompression && (geometry.BitsAllocated != 8 || geometry.BitsStored != 8 || geometry.IsSigned))
        {
            throw new CodecException(
                $"{Name} frames hold 8-bit unsigned samples (a recompressed baseline JPEG); the header says Bits Allocated {geometry.BitsAllocated}, Bits Stored {geometry.BitsStored}, Pixel Representation {(geometry.IsSigned ? 1 : 0)}");
        }
        if (!AllowedPhotometric(geometry.SamplesPerPixel, geometry.PhotometricInterpretation))
        {
            throw new CodecException(
                $"{Name} frames with {geometry.SamplesPerPixel} sample(s) per pixel cannot be Photometric Interpretation '{geometry.PhotometricInterpretation}'");
        }
    }

    /// <summary>Grey frames are monochrome (or palette indices, losslessly); colour frames are RGB, or YCbCr as the
    /// JPEG they came from stored it (recompression), or YBR_FULL kept as coded.</summary>
    private bool AllowedPhotometric(int samplesPerPixel, string photometric) => samplesPerPixel == 1
        ? photometric is "MONOCHROME1" or "MONOCHROME2" || photometric == "PALETTE COLOR" && !IsJpegRecompression
        : photometric is "RGB" or "YBR_FULL" || photometric == "YBR_FULL_422" && IsJpegRecompression;

    /// <summary>The codestream against the header (PS3.5 8.2.15: the two shall agree); returns libjxl's output bytes
    /// per sample.</summary>
    private int CheckCodestream(in JpegXlApi.BasicInfo info, FrameGeometry geometry)
    {
        if (info.Width != geometry.Columns || info.Height != geometry.Rows)
            throw new CodecException($"{Name} codestream is {info.Width}x{info.Height}; the header says {geometry.Columns}x{geometry.Rows}");
        if (info.ColorChannelCount != geometry.SamplesPerPixel)
            throw new CodecException($"{Name} codestream has {info.ColorChannelCount} colour channel(s); the header says {geometry.SamplesPerPixel} sample(s) per pixel");
        if (info.HaveAnimation != 0)
            throw new CodecException($"{Name} codestream is an animation; each DICOM frame is encoded as one image");
        if (info.ExponentBitsPerSample != 0)
            throw new CodecException($"{Name} codestream holds floating-point samples; DICOM pixel data here is integer");
        if (info.BitsPerSample < 1 || info.BitsPerSample > geometry.BitsAllocated)
            throw new CodecException($"{Name} codestream has {info.BitsPerSample}-bit samples, which do not fit Bits Allocated {geometry.BitsAllocated}");
        if (IsLosslessOnly && info.UsesOriginalProfile == 0)
            throw new CodecException($"{Name} codestream is coded in XYB, which is lossy: it cannot be under the lossless transfer syntax");
        return info.BitsPerSample <= 8 ? 1 : 2;
    }

    private void SetImageOutput(JpegXlApi api, IntPtr decoder, int bytesPerSample, FrameGeometry geometry, byte* buffer, int length)
    {
        var format = new JpegXlApi.PixelFormat
        {
            ChannelCount = (uint)geometry.SamplesPerPixel,
            DataType = bytesPerSample == 1 ? JpegXlApi.TypeUInt8 : JpegXlApi.TypeUInt16,
            Endianness = JpegXlApi.LittleEndian,
            Align = 0,
        };
        nuint size;
        Check(api.ImageOutBufferSize(decoder, &format, &size), "computing the output size");
        if (size != (nuint)length) throw new CodecException($"libjxl wants a {size}-byte output for a {Name} frame of {length} bytes");
        Check(api.SetImageOutBuffer(decoder, &format, buffer, (nuint)length), "setting the output buffer");
        if (api.SetImageOutBitDepth != null)
        {
            // libjxl 0.8 and later scale integer output to the full range of the type unless told to keep the
            // codestream's own depth, which is what 0.7 writes (and what a 12-bit image's samples are).
            var depth = new JpegXlApi.BitDepth { Type = JpegXlApi.BitDepthFromCodestream };
            Check(api.SetImageOutBitDepth(decoder, &depth), "keeping the codestream's bit depth");
        }
    }

    /// <summary>The JPEG libjxl rebuilt, decoded as any .50 frame is (bit for bit as libjpeg does).</summary>
    private string DecodeReconstructedJpeg(ReadOnlySpan<byte> jpeg, FrameGeometry geometry, Span<byte> destination)
    {
        try
        {
            return JpegDecoders.Dct.Decode(jpeg, geometry, destination);
        }
        catch (CodecException e)
        {
            throw new CodecException($"{Name}: the JPEG rebuilt from the codestream could not be decoded: {e.Message}", e);
        }
    }

    /// <summary>8-bit codestream samples into a 16-bit frame.</summary>
    private static void Widen(ReadOnlySpan<byte> samples, Span<byte> destination)
    {
        var words = MemoryMarshal.Cast<byte, ushort>(destination);
        for (int i = 0; i < samples.Length; i++) words[i] = samples[i];
    }

    /// <summary>Samples above Bits Stored's maximum become that maximum (never wrap when masked downstream).</summary>
    private static void ClampToBitsStored(FrameGeometry geometry, Span<byte> destination)
    {
        if (geometry.BitsStored == geometry.BitsAllocated) return;
        int maximum = (1 << geometry.BitsStored) - 1;
        if (geometry.BytesPerSample == 1)
        {
            foreach (ref byte sample in destination) if (sample > maximum) sample = (byte)maximum;
        }
        else
        {
            foreach (ref ushort sample in MemoryMarshal.Cast<byte, ushort>(destination)) if (sample > maximum) sample = (ushort)maximum;
        }
    }

    private void Check(int status, string step)
    {
        if (status != JpegXlApi.StatusSuccess) throw Damaged($"libjxl failed {step} (status {status})");
    }

    private CodecException Damaged(string reason) => new($"{Name} codestream could not be decoded: {reason}");

    /// <summary>
    /// Native memory libjxl writes the rebuilt JPEG into, grown by doubling up to a bound fixed by the frame (a JPEG
    /// far larger than its raw pixels plus metadata is not a JPEG of this frame).
    /// </summary>
    private struct JpegOutputBuffer : IDisposable
    {
        private const long MetadataAllowance = 16L * 1024 * 1024;
        private readonly long _limit;
        private readonly long _initial;
        private byte* _buffer;
        private long _capacity;
        private long _written;
        private long _chunkStart;

        public JpegOutputBuffer(FrameGeometry geometry, int encodedLength)
        {
            _limit = 4 * geometry.FrameByteLength + MetadataAllowance;
            _initial = Math.Min(_limit, Math.Max(64 * 1024, 2L * encodedLength));
            _buffer = null;
            _capacity = _written = _chunkStart = 0;
        }

        public readonly bool IsStarted => _buffer != null;

        public void Start(JpegXlApi api, IntPtr decoder)
        {
            if (_buffer != null) throw new CodecException("JPEG XL codestream announced its JPEG reconstruction twice");
            _capacity = _initial;
            _buffer = (byte*)NativeMemory.Alloc((nuint)_capacity);
            Hand(api, decoder);
        }

        public void Grow(JpegXlApi api, IntPtr decoder)
        {
            if (_buffer == null) throw new CodecException("JPEG XL codestream asked for JPEG output it had not announced");
            _written = _chunkStart + (long)((ulong)(_capacity - _chunkStart) - api.ReleaseJpegBuffer(decoder));
            if (_written == _capacity || _written == _chunkStart)
            {
                if (_capacity >= _limit) throw new CodecException($"JPEG XL codestream rebuilds a JPEG larger than {_limit} bytes, too large for this frame");
                _capacity = Math.Min(_limit, _capacity * 2);
                _buffer = (byte*)NativeMemory.Realloc(_buffer, (nuint)_capacity);
            }
            Hand(api, decoder);
        }

        public ReadOnlySpan<byte> Finish(JpegXlApi api, IntPtr decoder)
        {
            if (_buffer == null) throw new CodecException("JPEG XL codestream holds no JPEG reconstruction data: it is not a recompressed JPEG, as this transfer syntax requires");
            _written = _chunkStart + (long)((ulong)(_capacity - _chunkStart) - api.ReleaseJpegBuffer(decoder));
            _chunkStart = _capacity; // released: nothing more is handed to libjxl
            return new ReadOnlySpan<byte>(_buffer, checked((int)_written));
        }

        private void Hand(JpegXlApi api, IntPtr decoder)
        {
            _chunkStart = _written;
            if (api.SetJpegBuffer(decoder, _buffer + _written, (nuint)(_capacity - _written)) != JpegXlApi.StatusSuccess)
                throw new CodecException("libjxl refused the buffer for the rebuilt JPEG");
        }

        public void Dispose()
        {
            if (_buffer != null) NativeMemory.Free(_buffer);
            _buffer = null;
        }
    }
}
