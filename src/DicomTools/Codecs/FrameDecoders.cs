using DicomTools.Codecs.Jpeg;
using DicomTools.Dicom;

namespace DicomTools.Codecs;

/// <summary>Which decoder handles the frames of each encapsulated transfer syntax. Decoders are stateless and shared.</summary>
public static class FrameDecoders
{
    /// <summary>The decoder for <paramref name="syntax"/>, or null when we have none (the caller says so per frame).</summary>
    public static IFrameDecoder? For(TransferSyntax syntax) => syntax.PixelEncoding switch
    {
        PixelEncoding.JpegDct or PixelEncoding.JpegLossless => JpegDecoders.ForTransferSyntax(syntax.Uid),
        _ => null,
    };
}
