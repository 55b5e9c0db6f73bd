using System.Buffers.Binary;

namespace DicomTools.Codecs.Jpeg;

/// <summary>One component of a frame header (T.81 B.2.2): identifier, sampling factors, quantization table.</summary>
internal readonly record struct JpegComponentInfo(int Identifier, int HorizontalSampling, int VerticalSampling, int QuantizationTable);

/// <summary>
/// What the markers before the first scan say about a codestream: the frame header and the colour hints an
/// encoder may leave (JFIF APP0, Adobe APP14). Read without decoding anything, to choose a decoder and the colour
/// handling.
/// </summary>
internal sealed class JpegFrameInfo
{
    public byte StartOfFrameMarker { get; private init; }
    public int Precision { get; private init; }
    public int Lines { get; private init; }
    public int SamplesPerLine { get; private init; }
    public JpegComponentInfo[] Components { get; private init; } = Array.Empty<JpegComponentInfo>();
    public bool HasJfifMarker { get; private set; }
    public bool HasAdobeMarker { get; private set; }

    /// <summary>Adobe APP14 transform flag: 0 none (RGB/CMYK), 1 YCbCr, 2 YCCK; -1 without the marker.</summary>
    public int AdobeTransform { get; private set; } = -1;

    public bool IsLossless => StartOfFrameMarker == JpegMarker.StartOfFrameLossless;

    /// <summary>Reads the markers up to the first scan (SOS) or the end of the image.</summary>
    public static JpegFrameInfo Read(ReadOnlySpan<byte> codestream, string codecName)
    {
        var reader = new JpegMarkerReader(codestream, codecName);
        reader.ReadStartOfImage();
        bool jfif = false, adobe = false;
        int adobeTransform = -1;
        JpegFrameInfo? frame = null;
        while (reader.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.StartOfScan || marker == JpegMarker.EndOfImage) break;
            if (JpegMarker.IsStandalone(marker)) continue;
            int segmentStart = reader.Position;
            ReadOnlySpan<byte> segment = reader.ReadSegment(marker);
            if (JpegMarker.IsStartOfFrame(marker))
            {
                if (frame is not null)
                    throw reader.Fail(segmentStart, $"second frame header {JpegMarker.Describe(marker)} (hierarchical JPEG is not supported)");
                frame = ParseFrameHeader(marker, segment, ref reader, segmentStart);
            }
            else if (marker == JpegMarker.App0 && segment.Length >= 5 && segment.Slice(0, 5).SequenceEqual("JFIF\0"u8))
            {
                jfif = true;
            }
            else if (marker == JpegMarker.App14 && segment.Length >= 12 && segment.Slice(0, 5).SequenceEqual("Adobe"u8))
            {
                // APP14 "Adobe": version(2) flags0(2) flags1(2) transform(1), after the 5-byte identifier.
                adobe = true;
                adobeTransform = segment[11];
            }
        }
        if (frame is null)
            throw new CodecException($"{codecName}: no frame header (SOFn) before the first scan or the end of the data.");
        frame.HasJfifMarker = jfif;
        frame.HasAdobeMarker = adobe;
        frame.AdobeTransform = adobeTransform;
        return frame;
    }

    /// <summary>Parses the payload of an SOFn segment (T.81 B.2.2).</summary>
    public static JpegFrameInfo ParseFrameHeader(byte marker, ReadOnlySpan<byte> segment, ref JpegMarkerReader reader, int offset)
    {
        if (segment.Length < 6)
            throw reader.Fail(offset, $"{JpegMarker.Describe(marker)} segment of {segment.Length} bytes is too short");
        int componentCount = segment[5];
        if (componentCount == 0)
            throw reader.Fail(offset, $"{JpegMarker.Describe(marker)} declares no components");
        if (segment.Length < 6 + 3 * componentCount)
            throw reader.Fail(offset, $"{JpegMarker.Describe(marker)} declares {componentCount} components but holds only {segment.Length} bytes");
        var components = new JpegComponentInfo[componentCount];
        for (int i = 0; i < componentCount; i++)
        {
            ReadOnlySpan<byte> c = segment.Slice(6 + 3 * i, 3);
            components[i] = new JpegComponentInfo(c[0], c[1] >> 4, c[1] & 0x0F, c[2]);
        }
        return new JpegFrameInfo
        {
            StartOfFrameMarker = marker,
            Precision = segment[0],
            Lines = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(1, 2)),
            SamplesPerLine = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(3, 2)),
            Components = components,
        };
    }
}
