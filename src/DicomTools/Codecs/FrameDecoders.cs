using DicomTools.Codecs.Deflate;
using DicomTools.Codecs.Jpeg;
using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.JpegLs;
using DicomTools.Codecs.Rle;
using DicomTools.Dicom;

namespace DicomTools.Codecs;

/// <summary>Which decoder handles the frames of each encapsulated transfer syntax. Decoders are stateless and shared.</summary>
public static class FrameDecoders
{
    private static readonly RleDecoder Rle = new();
    private static readonly JpegLsDecoder JpegLs = new();
    private static readonly Jpeg2000Decoder Jpeg2000 = new();
    private static readonly DeflatedFrameDecoder DeflatedFrames = new();

    /// <summary>The decoder for <paramref name="syntax"/>, or null when we have none (the caller says so per frame).</summary>
    public static IFrameDecoder? For(TransferSyntax syntax) => syntax.PixelEncoding switch
    {
        PixelEncoding.JpegDct or PixelEncoding.JpegLossless => JpegDecoders.ForTransferSyntax(syntax.Uid),
        PixelEncoding.Rle => Rle,
        PixelEncoding.JpegLs => JpegLs,
        PixelEncoding.Jpeg2000 or PixelEncoding.HighThroughputJpeg2000 => Jpeg2000,
        PixelEncoding.DeflatedFrames => DeflatedFrames,
        _ => null,
    };
}
