using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Codecs.Native;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// The decoding part of OpenJPEG 2.5's public C API (openjpeg.h), as function pointers resolved once from the loaded
/// library. The structs below mirror openjpeg.h of 2.5 field for field (sequential layout reproduces the C alignment):
/// a wrong layout would read garbage dimensions, so the decoder also checks every dimension against the DICOM header.
/// Calling convention: OPJ_CALLCONV is __stdcall on Windows and the C default elsewhere, i.e. the platform default.
/// </summary>
internal sealed unsafe class OpenJpegApi
{
    public const int CodecJ2k = 0; // OPJ_CODEC_J2K: a raw codestream
    public const int CodecJp2 = 2; // OPJ_CODEC_JP2: the JP2 file format

    /// <summary>opj_image_comp_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ImageComponent
    {
        public uint Dx;
        public uint Dy;
        public uint Width;
        public uint Height;
        public uint X0;
        public uint Y0;
        public uint Precision;
        public uint ObsoleteBitsPerPixel; // "bpp", deprecated but still present
        public uint Signed;
        public uint ResolutionsDecoded;
        public uint Factor;
        public int* Data;
        public ushort Alpha;
    }

    /// <summary>opj_image_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public uint X0;
        public uint Y0;
        public uint X1;
        public uint Y1;
        public uint ComponentCount;
        public int ColorSpace;
        public ImageComponent* Components;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    /// <summary>opj_dparameters_t (OPJ_PATH_LEN = 4096). Only filled by opj_set_default_decoder_parameters and
    /// handed back; declared whole so that the library writes into memory we own.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DecoderParameters
    {
        public uint Reduce;
        public uint Layer;
        public fixed byte InputFile[4096];
        public fixed byte OutputFile[4096];
        public int DecodeFormat;
        public int CodeFormat;
        public uint DecodeAreaX0;
        public uint DecodeAreaX1;
        public uint DecodeAreaY0;
        public uint DecodeAreaY1;
        public int Verbose;
        public uint TileIndex;
        public uint TilesToDecode;
        public int JpwlCorrect;
        public int JpwlExpectedComponents;
        public int JpwlMaxTiles;
        public uint Flags;
    }

    public readonly delegate* unmanaged<int, IntPtr> CreateDecompress;
    public readonly delegate* unmanaged<IntPtr, void> DestroyCodec;
    public readonly delegate* unmanaged<DecoderParameters*, void> SetDefaultDecoderParameters;
    public readonly delegate* unmanaged<IntPtr, DecoderParameters*, int> SetupDecoder;
    /// <summary>opj_decoder_set_strict_mode (2.5 and later), or null with an older library.</summary>
    public readonly delegate* unmanaged<IntPtr, int, int> SetStrictMode;
    /// <summary>opj_codec_set_threads (2.3 and later), or null with an older library.</summary>
    public readonly delegate* unmanaged<IntPtr, int, int> SetThreads;
    public readonly delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetErrorHandler;
    public readonly delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetWarningHandler;
    public readonly delegate* unmanaged<nuint, int, IntPtr> StreamCreate;
    public readonly delegate* unmanaged<IntPtr, void> StreamDestroy;
    public readonly delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void> StreamSetReadFunction;
    public readonly delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<long, void*, long>, void> StreamSetSkipFunction;
    public readonly delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<long, void*, int>, void> StreamSetSeekFunction;
    public readonly delegate* unmanaged<IntPtr, void*, IntPtr, void> StreamSetUserData;
    public readonly delegate* unmanaged<IntPtr, ulong, void> StreamSetUserDataLength;
    public readonly delegate* unmanaged<IntPtr, IntPtr, Image**, int> ReadHeader;
    public readonly delegate* unmanaged<IntPtr, IntPtr, Image*, int> Decode;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> EndDecompress;
    public readonly delegate* unmanaged<Image*, void> ImageDestroy;

    private OpenJpegApi(NativeCodecLibrary library)
    {
        CreateDecompress = (delegate* unmanaged<int, IntPtr>)library.GetRequiredExport("opj_create_decompress");
        DestroyCodec = (delegate* unmanaged<IntPtr, void>)library.GetRequiredExport("opj_destroy_codec");
        SetDefaultDecoderParameters = (delegate* unmanaged<DecoderParameters*, void>)library.GetRequiredExport("opj_set_default_decoder_parameters");
        SetupDecoder = (delegate* unmanaged<IntPtr, DecoderParameters*, int>)library.GetRequiredExport("opj_setup_decoder");
        SetStrictMode = (delegate* unmanaged<IntPtr, int, int>)library.GetOptionalExport("opj_decoder_set_strict_mode");
        SetThreads = (delegate* unmanaged<IntPtr, int, int>)library.GetOptionalExport("opj_codec_set_threads");
        SetErrorHandler = (delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)library.GetRequiredExport("opj_set_error_handler");
        SetWarningHandler = (delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)library.GetRequiredExport("opj_set_warning_handler");
        StreamCreate = (delegate* unmanaged<nuint, int, IntPtr>)library.GetRequiredExport("opj_stream_create");
        StreamDestroy = (delegate* unmanaged<IntPtr, void>)library.GetRequiredExport("opj_stream_destroy");
        StreamSetReadFunction = (delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void>)library.GetRequiredExport("opj_stream_set_read_function");
        StreamSetSkipFunction = (delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<long, void*, long>, void>)library.GetRequiredExport("opj_stream_set_skip_function");
        StreamSetSeekFunction = (delegate* unmanaged<IntPtr, delegate* unmanaged[Cdecl]<long, void*, int>, void>)library.GetRequiredExport("opj_stream_set_seek_function");
        StreamSetUserData = (delegate* unmanaged<IntPtr, void*, IntPtr, void>)library.GetRequiredExport("opj_stream_set_user_data");
        StreamSetUserDataLength = (delegate* unmanaged<IntPtr, ulong, void>)library.GetRequiredExport("opj_stream_set_user_data_length");
        ReadHeader = (delegate* unmanaged<IntPtr, IntPtr, Image**, int>)library.GetRequiredExport("opj_read_header");
        Decode = (delegate* unmanaged<IntPtr, IntPtr, Image*, int>)library.GetRequiredExport("opj_decode");
        EndDecompress = (delegate* unmanaged<IntPtr, IntPtr, int>)library.GetRequiredExport("opj_end_decompress");
        ImageDestroy = (delegate* unmanaged<Image*, void>)library.GetRequiredExport("opj_image_destroy");
    }

    private static readonly ConditionalWeakTable<NativeCodecLibrary, OpenJpegApi> s_resolved = new();

    /// <summary>The API of <paramref name="library"/>, resolved on first use; throws <see cref="CodecException"/>
    /// when the library or one of its functions is missing.</summary>
    public static OpenJpegApi For(NativeCodecLibrary library) =>
        s_resolved.TryGetValue(library, out var api) ? api : s_resolved.GetValue(library, l => new OpenJpegApi(l));
}
