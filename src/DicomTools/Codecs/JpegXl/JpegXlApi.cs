using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Codecs.Native;

namespace DicomTools.Codecs.JpegXl;

/// <summary>
/// The decoding part of libjxl's public C API (jxl/decode.h, jxl/types.h, jxl/codestream_header.h of 0.7; the
/// declarations used here are unchanged in the later releases), as function pointers resolved once from the loaded
/// library: the library name is chosen at run time, and a missing library is a <see cref="CodecException"/> at first
/// use instead of a load failure of the whole assembly. JXL_EXPORT functions use the platform's default C calling
/// convention. The decoder also checks every dimension it reads against the DICOM header, so a wrong layout here
/// could not make it write outside its buffers.
/// </summary>
internal sealed unsafe class JpegXlApi
{
    // JxlDecoderStatus: results, then the event bits a decoder subscribes to.
    public const int StatusSuccess = 0;
    public const int StatusError = 1;
    public const int StatusNeedMoreInput = 2;
    public const int StatusNeedPreviewOutBuffer = 3;
    public const int StatusNeedImageOutBuffer = 5;
    public const int StatusJpegNeedMoreOutput = 6;
    public const int StatusBoxNeedMoreOutput = 7;
    public const int EventBasicInfo = 0x40;
    public const int EventFullImage = 0x1000;
    public const int EventJpegReconstruction = 0x2000;

    // JxlDataType and JxlEndianness.
    public const int TypeUInt8 = 2;
    public const int TypeUInt16 = 3;
    public const int LittleEndian = 1;

    /// <summary>JxlBitDepthType JXL_BIT_DEPTH_FROM_CODESTREAM (0.8 and later).</summary>
    public const int BitDepthFromCodestream = 1;

    /// <summary>JxlBitDepth (0.8 and later): how integer output is scaled.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BitDepth
    {
        public int Type;
        public uint BitsPerSample;
        public uint ExponentBitsPerSample;
    }

    /// <summary>JxlPixelFormat: how the caller wants the output buffer laid out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PixelFormat
    {
        public uint ChannelCount;
        public int DataType;
        public int Endianness;
        /// <summary>Row alignment in bytes; 0 packs rows with no padding.</summary>
        public nuint Align;
    }

    /// <summary>JxlPreviewHeader, inside <see cref="BasicInfo"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PreviewHeader
    {
        public uint Width;
        public uint Height;
    }

    /// <summary>JxlAnimationHeader, inside <see cref="BasicInfo"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct AnimationHeader
    {
        public uint TicksPerSecondNumerator;
        public uint TicksPerSecondDenominator;
        public uint LoopCount;
        public int HaveTimecodes;
    }

    /// <summary>JxlBasicInfo: 204 bytes, every field 4-byte aligned, ending in 100 reserved bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BasicInfo
    {
        public int HaveContainer;
        public uint Width;
        public uint Height;
        public uint BitsPerSample;
        public uint ExponentBitsPerSample;
        public float IntensityTarget;
        public float MinimumNits;
        public int RelativeToMaximumDisplay;
        public float LinearBelow;
        /// <summary>False when the image is coded in XYB, i.e. lossy: the lossless mode keeps the original colour space.</summary>
        public int UsesOriginalProfile;
        public int HavePreview;
        public int HaveAnimation;
        public int Orientation;
        public uint ColorChannelCount;
        public uint ExtraChannelCount;
        public uint AlphaBits;
        public uint AlphaExponentBits;
        public int AlphaPremultiplied;
        public PreviewHeader Preview;
        public AnimationHeader Animation;
        public uint IntrinsicWidth;
        public uint IntrinsicHeight;
        public fixed byte Padding[100];
    }

    public readonly delegate* unmanaged<void*, IntPtr> Create;
    public readonly delegate* unmanaged<IntPtr, void> Destroy;
    public readonly delegate* unmanaged<IntPtr, int, int> SubscribeEvents;
    public readonly delegate* unmanaged<IntPtr, byte*, nuint, int> SetInput;
    public readonly delegate* unmanaged<IntPtr, void> CloseInput;
    public readonly delegate* unmanaged<IntPtr, int> ProcessInput;
    public readonly delegate* unmanaged<IntPtr, BasicInfo*, int> GetBasicInfo;
    public readonly delegate* unmanaged<IntPtr, PixelFormat*, nuint*, int> ImageOutBufferSize;
    public readonly delegate* unmanaged<IntPtr, PixelFormat*, void*, nuint, int> SetImageOutBuffer;
    public readonly delegate* unmanaged<IntPtr, byte*, nuint, int> SetJpegBuffer;
    public readonly delegate* unmanaged<IntPtr, nuint> ReleaseJpegBuffer;
    /// <summary>JxlDecoderSetImageOutBitDepth (0.8 and later), or null with 0.7, which always writes the codestream's depth.</summary>
    public readonly delegate* unmanaged<IntPtr, BitDepth*, int> SetImageOutBitDepth;

    private JpegXlApi(NativeCodecLibrary library)
    {
        Create = (delegate* unmanaged<void*, IntPtr>)library.GetRequiredExport("JxlDecoderCreate");
        Destroy = (delegate* unmanaged<IntPtr, void>)library.GetRequiredExport("JxlDecoderDestroy");
        SubscribeEvents = (delegate* unmanaged<IntPtr, int, int>)library.GetRequiredExport("JxlDecoderSubscribeEvents");
        SetInput = (delegate* unmanaged<IntPtr, byte*, nuint, int>)library.GetRequiredExport("JxlDecoderSetInput");
        CloseInput = (delegate* unmanaged<IntPtr, void>)library.GetRequiredExport("JxlDecoderCloseInput");
        ProcessInput = (delegate* unmanaged<IntPtr, int>)library.GetRequiredExport("JxlDecoderProcessInput");
        GetBasicInfo = (delegate* unmanaged<IntPtr, BasicInfo*, int>)library.GetRequiredExport("JxlDecoderGetBasicInfo");
        ImageOutBufferSize = (delegate* unmanaged<IntPtr, PixelFormat*, nuint*, int>)library.GetRequiredExport("JxlDecoderImageOutBufferSize");
        SetImageOutBuffer = (delegate* unmanaged<IntPtr, PixelFormat*, void*, nuint, int>)library.GetRequiredExport("JxlDecoderSetImageOutBuffer");
        SetJpegBuffer = (delegate* unmanaged<IntPtr, byte*, nuint, int>)library.GetRequiredExport("JxlDecoderSetJPEGBuffer");
        ReleaseJpegBuffer = (delegate* unmanaged<IntPtr, nuint>)library.GetRequiredExport("JxlDecoderReleaseJPEGBuffer");
        SetImageOutBitDepth = (delegate* unmanaged<IntPtr, BitDepth*, int>)library.GetOptionalExport("JxlDecoderSetImageOutBitDepth");
    }

    private static readonly ConditionalWeakTable<NativeCodecLibrary, JpegXlApi> s_resolved = new();

    /// <summary>The API of <paramref name="library"/>, resolved on first use; throws <see cref="CodecException"/>
    /// when the library or one of its functions is missing.</summary>
    public static JpegXlApi For(NativeCodecLibrary library) =>
        s_resolved.TryGetValue(library, out var api) ? api : s_resolved.GetValue(library, l => new JpegXlApi(l));
}
