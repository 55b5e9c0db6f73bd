using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// JPEG 2000 (lossless, lossy, Part 2) and High-Throughput JPEG 2000 (see <see cref="TransferSyntaxes"/>) through OpenJPEG 2.5, loaded on first use (<see cref="NativeLibraries.OpenJpeg"/>). Bare codestreams and
/// JP2 files (some writers wrap the codestream) are both accepted. OpenJPEG reads the frame from our buffer through
/// read/skip/seek callbacks; its error and warning messages become the <see cref="CodecException"/> text.
/// </summary>
/// <remarks>
/// <para>Trust: after the header is read, and before OpenJPEG allocates anything for the image, the codestream's
/// component count, sizes, subsampling and precision are checked against the DICOM header; nothing is copied unless
/// they match. Strict mode (OpenJPEG 2.5) makes a truncated codestream an error instead of a partial image.</para>
/// <para>Values: the DICOM header decides how samples are read. When the codestream's signedness disagrees with
/// Pixel Representation (e.g. Toshiba CTs), the decoded samples are taken as bit patterns of the codestream's
/// precision and re-read with the header's signedness: an unsigned p-bit sample becomes signed by sign-extending
/// from bit p-1 (pydicom's APPLY_J2K_CORRECTIONS does the same), a signed one becomes its p-bit two's-complement
/// pattern. Then values are clamped to the range of Bits Stored (lossy decoding may overshoot when the codestream's
/// precision exceeds Bits Stored) and written Bits Allocated wide, little endian, components interleaved.</para>
/// <para>Colour: when the codestream applied a multiple-component transform (RCT or ICT), OpenJPEG has inverted it,
/// so a YBR_RCT / YBR_ICT header yields "RGB"; every other header value is returned unchanged.</para>
/// <para>Part 2 (.92, .93): Part 1 codestreams under these transfer syntaxes decode as above; a Part 2 array-based
/// multiple-component transform (MCT/MCC/MCO) is refused with an error that says so, before OpenJPEG is called,
/// because OpenJPEG refuses it with a message that does not.</para>
/// </remarks>
internal sealed unsafe class Jpeg2000Decoder : IFrameDecoder
{
    /// <summary>OpenJPEG's own chunk size; smaller frames get a buffer of their size.</summary>
    private const int MaxStreamBuffer = 1 << 20;

    private readonly NativeCodecLibrary _library;

    public Jpeg2000Decoder() : this(NativeLibraries.OpenJpeg) { }

    /// <summary>Uses another library description (tests: a name that does not exist).</summary>
    internal Jpeg2000Decoder(NativeCodecLibrary library) => _library = library;

    public string Name => "JPEG 2000";

    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[]
    {
        TransferSyntax.Jpeg2000Lossless, TransferSyntax.Jpeg2000, TransferSyntax.Jpeg2000MCLossless, TransferSyntax.Jpeg2000MC,
        TransferSyntax.HTJ2KLossless, TransferSyntax.HTJ2KLosslessRPCL, TransferSyntax.HTJ2K,
    };

    /// <summary>A bare codestream opens with SOC then SIZ (FF 4F FF 51); a JP2 file with its signature box, whose
    /// type "jP  " follows the 4-byte box length.</summary>
    public bool IsFrameStart(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51
        || head.Length >= 12 && head[4] == 0x6A && head[5] == 0x50 && head[6] == 0x20 && head[7] == 0x20;

    /// <summary>
    /// Codestreams that may use HTJ2K code-blocks are decoded in a worker process (<see cref="OpenJpegWorkerPool"/>):
    /// Debian's OpenJPEG 2.5.0 is built with assertions, and its HT block decoder asserts (ending the process) on
    /// some damaged code-blocks. Classic JPEG 2000 stays in this process. The rule looks at the codestream, not the
    /// transfer syntax, so a mislabelled or damaged header cannot send HT code-blocks to the in-process decoder.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        Interlocked.Increment(ref s_framesInFlight);
        try
        {
            ArgumentNullException.ThrowIfNull(geometry);
            // The library first, here too: without it, saying what to install matters more than starting a worker.
            _ = OpenJpegApi.For(_library);
            int threads = DecoderThreads(geometry);
            return IsolateHighThroughput && J2kMainHeader.MayUseHighThroughput(encoded)
                ? OpenJpegWorkerPool.Decode(encoded, geometry, destination, threads)
                : DecodeFrame(encoded, geometry, destination, threads);
        }
        finally
        {
            Interlocked.Decrement(ref s_framesInFlight);
        }
    }

    /// <summary>Frames being decoded right now, by every caller in the process.</summary>
    private static int s_framesInFlight;

    /// <summary>Frames below a CT slice's size (512x512) decode too quickly for worker threads to pay for themselves.</summary>
    private const long ThreadedFrameSamples = 512 * 512;

    /// <summary>OpenJPEG worker threads for one frame: the processors not already busy with other frames.</summary>
    internal static int DecoderThreads(FrameGeometry geometry) =>
        geometry.SampleCount < ThreadedFrameSamples ? 1 : Math.Max(1, Environment.ProcessorCount / Math.Max(1, Volatile.Read(ref s_framesInFlight)));

    /// <summary>False only in benchmarks that compare against decoding HTJ2K in this process.</summary>
    internal static bool IsolateHighThroughput { get; set; } = true;

    /// <summary>Decodes here, whatever the codestream: what the worker process runs.</summary>
    internal string DecodeInThisProcess(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination, int threads) =>
        DecodeFrame(encoded, geometry, destination, threads);

    private string DecodeFrame(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination, int threads)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.BitsAllocated is not (8 or 16 or 32))
        {
            throw new CodecException($"JPEG 2000 frames are decoded into 8-, 16- or 32-bit samples; Bits Allocated is {geometry.BitsAllocated}");
        }
        if (geometry.BitsStored < 1 || geometry.BitsStored > geometry.BitsAllocated)
        {
            throw new CodecException($"Bits Stored {geometry.BitsStored} does not fit Bits Allocated {geometry.BitsAllocated}");
        }
        // The library first: without it, saying what to install matters more than what is wrong with the frame.
        var api = OpenJpegApi.For(_library);
        if (encoded.IsEmpty) throw new CodecException("JPEG 2000 frame is empty");
        var part2Transform = J2kMainHeader.DescribePart2Transform(encoded);
        if (part2Transform != null)
        {
            throw new CodecException(
                $"JPEG 2000 Part 2 multiple-component transform ({part2Transform}) is not supported: OpenJPEG 2.5 does not decode it");
        }
        bool isJp2 = J2kMainHeader.IsJp2File(encoded);
        var messages = new OpenJpegMessages();
        var messagesHandle = GCHandle.Alloc(messages);
        IntPtr codec = IntPtr.Zero, stream = IntPtr.Zero;
        OpenJpegApi.Image* image = null;
        try
        {
            codec = api.CreateDecompress(isJp2 ? OpenJpegApi.CodecJp2 : OpenJpegApi.CodecJ2k);
            if (codec == IntPtr.Zero) throw new CodecException("OpenJPEG could not create a JPEG 2000 decoder (out of memory)");
            void* messagesPointer = (void*)GCHandle.ToIntPtr(messagesHandle);
            api.SetErrorHandler(codec, &OnError, messagesPointer);
            api.SetWarningHandler(codec, &OnWarning, messagesPointer);

            OpenJpegApi.DecoderParameters parameters;
            api.SetDefaultDecoderParameters(&parameters);
            if (api.SetupDecoder(codec, &parameters) == 0) throw Failure("setting up the decoder", messages);
            if (api.SetStrictMode != null) api.SetStrictMode(codec, 1);
            // A large frame decoded alone (one file at a time) uses the idle cores inside OpenJPEG; when callers
            // already decode several frames at once, each keeps one thread so the machine is not oversubscribed.
            if (threads > 1 && api.SetThreads != null) api.SetThreads(codec, threads);

            fixed (byte* data = encoded)
            {
                var source = new MemorySource { Data = data, Length = encoded.Length, Position = 0 };
                stream = api.StreamCreate((nuint)Math.Min(encoded.Length, MaxStreamBuffer), 1);
                if (stream == IntPtr.Zero) throw new CodecException("OpenJPEG could not create an input stream (out of memory)");
                api.StreamSetReadFunction(stream, &Read);
                api.StreamSetSkipFunction(stream, &Skip);
                api.StreamSetSeekFunction(stream, &Seek);
                api.StreamSetUserData(stream, &source, IntPtr.Zero);
                api.StreamSetUserDataLength(stream, (ulong)encoded.Length);

                if (api.ReadHeader(stream, codec, &image) == 0 || image == null) throw Failure("reading the header", messages);
                CheckAgainstHeader(image, geometry, decoded: false);
                if (api.Decode(codec, stream, image) == 0) throw Failure("decoding", messages);
                if (api.EndDecompress(codec, stream) == 0) throw Failure("finishing", messages);
                CheckAgainstHeader(image, geometry, decoded: true);
            }

            for (int component = 0; component < geometry.SamplesPerPixel; component++)
            {
                CopyComponent(image->Components[component], component, geometry, destination);
            }
        }
        finally
        {
            if (image != null) api.ImageDestroy(image);
            if (stream != IntPtr.Zero) api.StreamDestroy(stream);
            if (codec != IntPtr.Zero) api.DestroyCodec(codec);
            messagesHandle.Free();
        }

        bool transformed = geometry.SamplesPerPixel == 3 && J2kMainHeader.UsesMultipleComponentTransform(encoded);
        return transformed && geometry.PhotometricInterpretation is "YBR_RCT" or "YBR_ICT" ? "RGB" : geometry.PhotometricInterpretation;
    }

    /// <summary>
    /// The codestream must describe exactly the frame the header describes. Run once after the header (so a hostile
    /// size is refused before OpenJPEG allocates for it) and again after decoding (so a pointer is never read that
    /// OpenJPEG did not fill).
    /// </summary>
    private static void CheckAgainstHeader(OpenJpegApi.Image* image, FrameGeometry geometry, bool decoded)
    {
        if (image->ComponentCount != geometry.SamplesPerPixel || image->Components == null)
        {
            throw new CodecException($"JPEG 2000 codestream has {image->ComponentCount} component(s); the header says {geometry.SamplesPerPixel}");
        }
        for (int index = 0; index < geometry.SamplesPerPixel; index++)
        {
            var component = image->Components[index];
            if (component.Dx != 1 || component.Dy != 1)
            {
                throw new CodecException($"JPEG 2000 component {index + 1} is subsampled ({component.Dx}x{component.Dy}); DICOM frames are not");
            }
            if (component.Width != geometry.Columns || component.Height != geometry.Rows)
            {
                throw new CodecException(
                    $"JPEG 2000 component {index + 1} is {component.Width}x{component.Height}; the header says {geometry.Columns}x{geometry.Rows}");
            }
            if (component.Precision < 1 || component.Precision > geometry.BitsAllocated)
            {
                throw new CodecException(
                    $"JPEG 2000 component {index + 1} has {component.Precision}-bit samples, which do not fit Bits Allocated {geometry.BitsAllocated}");
            }
            if (decoded && component.Data == null)
            {
                throw new CodecException($"OpenJPEG returned no samples for JPEG 2000 component {index + 1}");
            }
        }
    }

    /// <summary>
    /// One component into its interleaved slots: reinterpret per the header's signedness, clamp to Bits Stored, write
    /// Bits Allocated wide. The per-sample work is branch-free apart from the clamp: the reinterpretation is a mask
    /// and a shift pair fixed per component.
    /// </summary>
    private static void CopyComponent(OpenJpegApi.ImageComponent component, int componentIndex, FrameGeometry geometry, Span<byte> destination)
    {
        int precision = (int)component.Precision;
        bool codestreamSigned = component.Signed != 0;
        bool headerSigned = geometry.IsSigned;

        // Unsigned codestream, signed header: sign-extend from the codestream's top bit (shift up, arithmetic down).
        int signExtendShift = !codestreamSigned && headerSigned ? 32 - precision : 0;
        // Signed codestream, unsigned header: keep the two's-complement bit pattern of the codestream's width.
        long patternMask = codestreamSigned && !headerSigned ? (1L << precision) - 1 : -1L;

        int bitsStored = geometry.BitsStored;
        long minimum = headerSigned ? -(1L << (bitsStored - 1)) : 0;
        long maximum = headerSigned ? (1L << (bitsStored - 1)) - 1 : (1L << bitsStored) - 1;

        int samplesPerPixel = geometry.SamplesPerPixel;
        int pixels = geometry.Rows * geometry.Columns;
        var source = new ReadOnlySpan<int>(component.Data, pixels);
        switch (geometry.BytesPerSample)
        {
            case 1:
                for (int pixel = 0, target = componentIndex; pixel < source.Length; pixel++, target += samplesPerPixel)
                {
                    destination[target] = (byte)Reinterpret(source[pixel], signExtendShift, patternMask, minimum, maximum);
                }
                break;
            case 2: // the host is little endian, like every platform .NET ships for
                var words = MemoryMarshal.Cast<byte, ushort>(destination);
                for (int pixel = 0, target = componentIndex; pixel < source.Length; pixel++, target += samplesPerPixel)
                {
                    words[target] = (ushort)Reinterpret(source[pixel], signExtendShift, patternMask, minimum, maximum);
                }
                break;
            default:
                var longWords = MemoryMarshal.Cast<byte, uint>(destination);
                for (int pixel = 0, target = componentIndex; pixel < source.Length; pixel++, target += samplesPerPixel)
                {
                    longWords[target] = (uint)Reinterpret(source[pixel], signExtendShift, patternMask, minimum, maximum);
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Reinterpret(int sample, int signExtendShift, long patternMask, long minimum, long maximum)
    {
        long value = ((long)((sample << signExtendShift) >> signExtendShift)) & patternMask;
        return value < minimum ? minimum : value > maximum ? maximum : value;
    }

    private static CodecException Failure(string step, OpenJpegMessages messages) =>
        new($"JPEG 2000 codestream could not be decoded ({step}): {messages.Describe()}");

    /// <summary>Our frame as OpenJPEG's input: lives on the decoding thread's stack for the duration of one decode.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MemorySource
    {
        public byte* Data;
        public long Length;
        public long Position;
    }

    // The callbacks below run on OpenJPEG's side of the boundary: pure pointer arithmetic that cannot throw, or a
    // catch-all, because an exception must never unwind into native code.

    /// <summary>opj_stream_read_fn: bytes copied, or (OPJ_SIZE_T)-1 at the end of the data.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static nuint Read(void* buffer, nuint count, void* userData)
    {
        var source = (MemorySource*)userData;
        long remaining = source->Length - source->Position;
        if (remaining <= 0) return nuint.MaxValue;
        long length = (long)Math.Min((ulong)remaining, (ulong)count);
        Buffer.MemoryCopy(source->Data + source->Position, buffer, length, length);
        source->Position += length;
        return (nuint)length;
    }

    /// <summary>opj_stream_skip_fn: bytes skipped, or -1 when the skip would leave the data (never 0, which would
    /// make OpenJPEG's skip loop spin).</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static long Skip(long count, void* userData)
    {
        var source = (MemorySource*)userData;
        long target = source->Position + count;
        if (count == 0) return 0;
        if (target < 0 || target > source->Length)
        {
            source->Position = source->Length;
            return -1;
        }
        source->Position = target;
        return count;
    }

    /// <summary>opj_stream_seek_fn: OPJ_TRUE when the position lies within the data.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static int Seek(long position, void* userData)
    {
        var source = (MemorySource*)userData;
        if (position < 0 || position > source->Length) return 0;
        source->Position = position;
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static void OnError(byte* message, void* clientData) => Record(message, clientData, isError: true);

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static void OnWarning(byte* message, void* clientData) => Record(message, clientData, isError: false);

    private static void Record(byte* message, void* clientData, bool isError)
    {
        try
        {
            if (GCHandle.FromIntPtr((IntPtr)clientData).Target is OpenJpegMessages messages && message != null)
            {
                messages.Add(Marshal.PtrToStringUTF8((IntPtr)message) ?? "", isError);
            }
        }
        catch
        {
            // Losing a message is better than unwinding through OpenJPEG.
        }
    }

    /// <summary>OpenJPEG's messages for one decode, bounded (a damaged stream can warn once per code block).</summary>
    private sealed class OpenJpegMessages
    {
        private const int MaxKept = 4;
        private readonly List<string> _errors = new();
        private readonly List<string> _warnings = new();

        public void Add(string text, bool isError)
        {
            var list = isError ? _errors : _warnings;
            if (list.Count < MaxKept) list.Add(text.Trim());
        }

        public string Describe()
        {
            if (_errors.Count == 0 && _warnings.Count == 0) return "OpenJPEG gave no reason";
            var text = new StringBuilder();
            text.AppendJoin("; ", _errors.Count > 0 ? _errors : _warnings);
            return text.ToString();
        }
    }
}
