using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Codecs.Native;

namespace DicomTools.Codecs.JpegLs;

/// <summary>
/// The part of CharLS 2.x's public C API (charls/charls_jpegls_decoder.h, charls/jpegls_error.h) that decoding
/// needs, as function pointers resolved once from the loaded library. Plain function pointers rather than
/// [DllImport] let the library name be chosen at run time (per platform, or a missing one in tests) and keep a
/// missing library a <see cref="CodecException"/> at first use instead of a load failure of the whole assembly.
/// The calling convention is the platform default, which is what CharLS exports (__stdcall only on 32-bit Windows).
/// </summary>
internal sealed unsafe class CharLsApi
{
    /// <summary>charls_frame_info (public_types.h): four 32-bit fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }

    public const int InterleaveNone = 0;
    public const int InterleaveLine = 1;
    public const int InterleaveSample = 2;

    public readonly delegate* unmanaged<IntPtr> Create;
    public readonly delegate* unmanaged<IntPtr, void> Destroy;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, int> SetSourceBuffer;
    public readonly delegate* unmanaged<IntPtr, int> ReadHeader;
    public readonly delegate* unmanaged<IntPtr, FrameInfo*, int> GetFrameInfo;
    public readonly delegate* unmanaged<IntPtr, int*, int> GetInterleaveMode;
    public readonly delegate* unmanaged<IntPtr, uint, nuint*, int> GetDestinationSize;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, uint, int> DecodeToBuffer;
    public readonly delegate* unmanaged<int, byte*> GetErrorMessage;

    private CharLsApi(NativeCodecLibrary library)
    {
        Create = (delegate* unmanaged<IntPtr>)library.GetRequiredExport("charls_jpegls_decoder_create");
        Destroy = (delegate* unmanaged<IntPtr, void>)library.GetRequiredExport("charls_jpegls_decoder_destroy");
        SetSourceBuffer = (delegate* unmanaged<IntPtr, void*, nuint, int>)library.GetRequiredExport("charls_jpegls_decoder_set_source_buffer");
        ReadHeader = (delegate* unmanaged<IntPtr, int>)library.GetRequiredExport("charls_jpegls_decoder_read_header");
        GetFrameInfo = (delegate* unmanaged<IntPtr, FrameInfo*, int>)library.GetRequiredExport("charls_jpegls_decoder_get_frame_info");
        GetInterleaveMode = (delegate* unmanaged<IntPtr, int*, int>)library.GetRequiredExport("charls_jpegls_decoder_get_interleave_mode");
        GetDestinationSize = (delegate* unmanaged<IntPtr, uint, nuint*, int>)library.GetRequiredExport("charls_jpegls_decoder_get_destination_size");
        DecodeToBuffer = (delegate* unmanaged<IntPtr, void*, nuint, uint, int>)library.GetRequiredExport("charls_jpegls_decoder_decode_to_buffer");
        GetErrorMessage = (delegate* unmanaged<int, byte*>)library.GetRequiredExport("charls_get_error_message");
    }

    private static readonly ConditionalWeakTable<NativeCodecLibrary, CharLsApi> s_resolved = new();

    /// <summary>The API of <paramref name="library"/>, resolved on first use; throws <see cref="CodecException"/>
    /// when the library or one of its functions is missing.</summary>
    public static CharLsApi For(NativeCodecLibrary library) =>
        s_resolved.TryGetValue(library, out var api) ? api : s_resolved.GetValue(library, l => new CharLsApi(l));

    /// <summary>CharLS's own text for an error code (a static string it owns), or a fallback.</summary>
    public string Describe(int errorCode)
    {
        byte* text = GetErrorMessage(errorCode);
        var message = text == null ? null : Marshal.PtrToStringUTF8((IntPtr)text);
        return string.IsNullOrWhiteSpace(message) ? $"CharLS error {errorCode}" : $"{message.TrimEnd('.', ' ')} (CharLS error {errorCode})";
    }
}
