using System.Reflection;
using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>The transfer syntax table and the codec registry built from the decoders' declarations.</summary>
public class CodecRegistryTests
{
    private static IEnumerable<(string Property, TransferSyntax Syntax)> TableProperties() =>
        typeof(TransferSyntax).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(TransferSyntax))
            .Select(p => (p.Name, (TransferSyntax)p.GetValue(null)!));

    [Fact]
    public void Every_syntax_property_is_the_PS3_6_transfer_syntax_of_its_keyword()
    {
        var properties = TableProperties().ToList();
        Assert.True(properties.Count >= 30, $"only {properties.Count} transfer syntax properties found");
        foreach (var (property, syntax) in properties)
        {
            // The generated registry is transcribed from PS3.6 Table A-1, independently of this table.
            Assert.True(DicomUids.TryGetByKeyword(property, out var info), $"{property} is not a PS3.6 keyword");
            Assert.Equal(info!.Uid, syntax.Uid);
            Assert.Equal(DicomUidType.TransferSyntax, info.Type);
            Assert.Same(syntax, TransferSyntax.FromUid(syntax.Uid));
        }
        // Every syntax in the lookup has its property, so no UID is spelled anywhere else.
        Assert.Equal(TransferSyntax.All.Select(s => s.Uid).OrderBy(u => u), properties.Select(p => p.Syntax.Uid).OrderBy(u => u));
    }

    [Fact]
    public void Only_the_three_PS3_5_native_syntaxes_and_deflate_are_not_encapsulated()
    {
        var native = TransferSyntax.All.Where(s => !s.IsEncapsulated).ToHashSet();
        Assert.Equal(new[] { TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian, TransferSyntax.DeflatedExplicitVRLittleEndian }.ToHashSet(), native);
        Assert.All(TransferSyntax.All.Where(s => s != TransferSyntax.ImplicitVRLittleEndian), s => Assert.True(s.IsExplicitVR, s.Name));
    }

    [Fact]
    public void Each_decodable_syntax_has_exactly_the_decoder_of_its_encoding()
    {
        var declared = CodecRegistry.Decoders.SelectMany(d => d.TransferSyntaxes.Select(s => (d, s))).ToList();
        Assert.Equal(declared.Count, declared.Select(x => x.s.Uid).Distinct().Count());
        foreach (var (decoder, syntax) in declared)
        {
            Assert.True(syntax.IsEncapsulated, $"{decoder.Name} declares native {syntax.Name}");
            Assert.Same(decoder, CodecRegistry.For(syntax));
        }
        Assert.Same(JpegDecoders.Dct, CodecRegistry.For(TransferSyntax.JpegBaseline8Bit));
        Assert.Same(JpegDecoders.Lossless, CodecRegistry.For(TransferSyntax.JpegLosslessSV1));
        Assert.Equal("JPEG-LS", CodecRegistry.For(TransferSyntax.JpegLsNearLossless)!.Name);
        Assert.Equal("JPEG 2000", CodecRegistry.For(TransferSyntax.HTJ2K)!.Name);
        Assert.Equal("RLE Lossless", CodecRegistry.For(TransferSyntax.RleLossless)!.Name);
        Assert.Equal("Deflated Image Frame Compression", CodecRegistry.For(TransferSyntax.DeflatedImageFrameCompression)!.Name);
        // Syntaxes we do not decode: arithmetic lossless, video, referenced, and any UID we do not know.
        Assert.Null(CodecRegistry.For(TransferSyntax.JpegLosslessNonHierarchical15));
        Assert.Null(CodecRegistry.For(TransferSyntax.Mpeg4HP41));
        Assert.Null(CodecRegistry.For(TransferSyntax.JpipReferenced));
        Assert.Null(CodecRegistry.For(TransferSyntax.EncapsulatedUncompressedExplicitVRLittleEndian));
        Assert.Null(CodecRegistry.For(TransferSyntax.FromUid("1.2.3.4")));
        Assert.Null(CodecRegistry.For(TransferSyntax.ExplicitVRLittleEndian));
    }

    [Fact]
    public void Frame_starts_are_recognised_by_each_codec_family()
    {
        byte[] soi = { 0xFF, 0xD8, 0xFF, 0xE0 };
        byte[] soc = { 0xFF, 0x4F, 0xFF, 0x51 };
        byte[] jp2 = { 0, 0, 0, 12, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A };
        byte[] rle = { 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0 };
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.JpegBaseline8Bit)!.IsFrameStart(soi));
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.JpegLsLossless)!.IsFrameStart(soi));
        Assert.False(CodecRegistry.FrameStartsFor(TransferSyntax.JpegLossless)!.IsFrameStart(soc));
        // Process 15 has no decoder, but its frames still start with SOI.
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.JpegLosslessNonHierarchical15)!.IsFrameStart(soi));
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.Jpeg2000)!.IsFrameStart(soc));
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.HTJ2KLossless)!.IsFrameStart(jp2));
        Assert.False(CodecRegistry.FrameStartsFor(TransferSyntax.Jpeg2000)!.IsFrameStart(soi));
        Assert.True(CodecRegistry.FrameStartsFor(TransferSyntax.RleLossless)!.IsFrameStart(rle));
        Assert.False(CodecRegistry.FrameStartsFor(TransferSyntax.RleLossless)!.IsFrameStart(new byte[] { 16, 0, 0, 0, 64, 0, 0, 0 }));
        Assert.False(CodecRegistry.FrameStartsFor(TransferSyntax.RleLossless)!.IsFrameStart(rle.AsSpan(0, 7)));
        Assert.False(CodecRegistry.FrameStartsFor(TransferSyntax.DeflatedImageFrameCompression)!.IsFrameStart(soi));
        Assert.Null(CodecRegistry.FrameStartsFor(TransferSyntax.Mpeg2MPML));
    }

    [Fact]
    public void A_destination_of_the_wrong_size_is_refused_for_every_decoder_before_it_runs()
    {
        var geometry = new FrameGeometry(4, 4, 1, 8, 8, false, "MONOCHROME2", 0);
        foreach (var decoder in CodecRegistry.Decoders)
        {
            foreach (var length in new[] { 15, 17, 0 })
            {
                var destination = Enumerable.Repeat((byte)0xA5, length).ToArray();
                var error = Assert.Throws<ArgumentException>(() => CodecRegistry.DecodeFrame(decoder, new byte[] { 0xFF, 0xD8 }, geometry, destination));
                Assert.Contains("the frame needs 16", error.Message);
                Assert.All(destination, b => Assert.Equal(0xA5, b));
            }
        }
    }
}
