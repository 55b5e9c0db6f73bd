using System.Runtime.CompilerServices;
using DicomTools.Codecs;
using DicomTools.Codecs.JpegXl;
using DicomTools.Codecs.Native;
using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// JPEG XL (.110, .111, .112) through libjxl, on codestreams made by libjxl's cjxl (tests/fixtures/jpegxl/make_jxl.py).
/// Truth: djxl's decoding of the same codestream, bit for bit; for lossless fixtures also the encoder's input; for
/// JPEG recompression, djpeg's decoding of the JPEG that djxl rebuilds byte for byte from the codestream.
/// </summary>
public sealed class JpegXlDecoderTests
{
    private static void RequireLibjxl() => ReferenceTools.RequireNativeLibrary(NativeLibraries.JpegXl);

    private static TestFrames Fixture(string name) => CodecTestFiles.Read(CodecTestFiles.Fixture("jpegxl", name));

    [SkippableTheory]
    [InlineData("grey8", "MONOCHROME2")]
    [InlineData("grey12", "MONOCHROME2")] // 12-bit content in a 16-bit codestream, Bits Stored 12
    [InlineData("rgb8", "RGB")]
    [InlineData("rgb16", "RGB")]
    [InlineData("grey8.multiframe", "MONOCHROME2")]
    public void Lossless_codestreams_decode_to_the_encoders_input_and_to_djxls_output(string name, string photometric)
    {
        RequireLibjxl();
        var encoded = Fixture(name + ".jxl.dcm");
        Assert.Equal(TransferSyntax.JpegXLLossless.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(JpegXlDecoder.Lossless, encoded, Fixture(name + ".source.dcm"), photometric);
        AssertDecodes(JpegXlDecoder.Lossless, encoded, Fixture(name + ".djxl.dcm"), photometric);
    }

    [SkippableTheory]
    [InlineData("grey8.lossy", "MONOCHROME2")]
    [InlineData("rgb8.lossy", "RGB")] // XYB converted back to the original RGB space by libjxl
    [InlineData("grey12.lossy", "MONOCHROME2")]
    [InlineData("grey12bps", "MONOCHROME2")] // the codestream itself says 12 bits per sample
    public void Lossy_codestreams_decode_as_djxl_decodes_them(string name, string photometric)
    {
        RequireLibjxl();
        var encoded = Fixture(name + ".jxl.dcm");
        Assert.Equal(TransferSyntax.JpegXL.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(JpegXlDecoder.Any, encoded, Fixture(name + ".djxl.dcm"), photometric);
    }

    [SkippableTheory]
    [InlineData("rgb8.recompressed", "RGB")] // header YBR_FULL_422: the JPEG's YCbCr is converted, as for .50
    [InlineData("grey8.recompressed", "MONOCHROME2")]
    public void Recompressed_JPEGs_decode_to_the_pixels_of_the_JPEG_they_rebuild(string name, string photometric)
    {
        RequireLibjxl();
        var encoded = Fixture(name + ".jxl.dcm");
        Assert.Equal(TransferSyntax.JpegXLJpegRecompression.Uid, encoded.TransferSyntaxUid);

        AssertDecodes(JpegXlDecoder.JpegRecompression, encoded, Fixture(name + ".djpeg.dcm"), photometric);
    }

    [SkippableFact]
    public void A_recompressed_JPEG_under_the_general_syntax_also_gives_its_JPEGs_pixels()
    {
        // .112 may hold a recompressed JPEG too: the same rule (rebuild the JPEG, decode it as .50) applies.
        RequireLibjxl();
        var encoded = Fixture("rgb8.recompressed.jxl.dcm");
        var geometry = encoded.Geometry with { PhotometricInterpretation = "RGB" };
        var output = CodecAssert.DecodeGuarded(JpegXlDecoder.Any, encoded.Frames[0], geometry, out var photometric);
        var truth = Fixture("rgb8.recompressed.djpeg.dcm");
        StoredSamples.AssertEqual(truth.Frames[0], output, truth.Geometry, "rgb8.recompressed as .112");
        Assert.Equal("RGB", photometric);
    }

    [SkippableFact]
    public void Samples_above_Bits_Stored_are_clamped_to_its_maximum()
    {
        // The grey12 fixture reaches 3825; read under Bits Stored 11 every sample above 2047 must become 2047, not wrap.
        RequireLibjxl();
        var encoded = Fixture("grey12.jxl.dcm");
        var source = Fixture("grey12.source.dcm");
        var geometry = encoded.Geometry with { BitsStored = 11 };
        var output = CodecAssert.DecodeGuarded(JpegXlDecoder.Lossless, encoded.Frames[0], geometry);

        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(source.Frames[0]).ToArray().Select(v => (ushort)Math.Min(v, (ushort)2047)).ToArray();
        Assert.Contains(expected, v => v == 2047);
        Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(output).ToArray());
    }

    [SkippableFact]
    public void An_eight_bit_codestream_in_a_sixteen_bit_frame_is_widened()
    {
        RequireLibjxl();
        var encoded = Fixture("grey8.jxl.dcm");
        var source = Fixture("grey8.source.dcm");
        var geometry = encoded.Geometry with { BitsAllocated = 16 };
        var output = CodecAssert.DecodeGuarded(JpegXlDecoder.Lossless, encoded.Frames[0], geometry);

        Assert.Equal(source.Frames[0].Select(v => (ushort)v).ToArray(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(output).ToArray());
    }

    [SkippableFact]
    public void Frames_read_through_the_pixel_reader_and_the_codec_table()
    {
        RequireLibjxl();
        var reader = PixelDataReader.Open(CodecTestFiles.Fixture("jpegxl", "grey8.multiframe.jxl.dcm"));
        var source = PixelDataReader.Open(CodecTestFiles.Fixture("jpegxl", "grey8.multiframe.source.dcm"));
        Assert.Equal(3, reader.NumberOfFrames);
        for (int frame = 0; frame < 3; frame++)
            Assert.Equal(Assert.IsType<byte[]>(source.ReadFrame(frame).Pixels), Assert.IsType<byte[]>(reader.ReadFrame(frame).Pixels));

        var grey12 = PixelDataReader.Open(CodecTestFiles.Fixture("jpegxl", "grey12.jxl.dcm")).ReadFrame(0);
        var grey12Source = PixelDataReader.Open(CodecTestFiles.Fixture("jpegxl", "grey12.source.dcm")).ReadFrame(0);
        Assert.Equal(Assert.IsType<ushort[]>(grey12Source.Pixels), Assert.IsType<ushort[]>(grey12.Pixels));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.110")]
    [InlineData("1.2.840.10008.1.2.4.111")]
    [InlineData("1.2.840.10008.1.2.4.112")]
    public void Each_syntax_has_its_own_JPEG_XL_decoder_in_the_codec_table(string uid)
    {
        var syntax = TransferSyntax.FromUid(uid);
        var decoder = Assert.IsType<JpegXlDecoder>(CodecRegistry.For(syntax));
        Assert.Equal(new[] { syntax }, decoder.TransferSyntaxes);
        Assert.Same(decoder, CodecRegistry.FrameStartsFor(syntax));
    }

    [Fact]
    public void Frame_starts_are_the_bare_codestream_and_the_container_signatures()
    {
        var decoder = JpegXlDecoder.Any;
        Assert.True(decoder.IsFrameStart(new byte[] { 0xFF, 0x0A, 0xFA }));
        Assert.True(decoder.IsFrameStart(new byte[] { 0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A }));
        Assert.False(decoder.IsFrameStart(new byte[] { 0xFF, 0xD8, 0xFF }));
        Assert.False(decoder.IsFrameStart(new byte[] { 0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A }));
        Assert.False(decoder.IsFrameStart(new byte[] { 0xFF }));
    }

    [Fact]
    public unsafe void Structs_have_the_C_layout_of_libjxl_headers()
    {
        // jxl/codestream_header.h: 26 four-byte fields (preview and animation headers included) and 100 reserved bytes.
        Assert.Equal(204, sizeof(JpegXlApi.BasicInfo));
        // jxl/types.h: three 32-bit fields, then a size_t aligned to its own size.
        Assert.Equal(IntPtr.Size == 8 ? 24 : 16, sizeof(JpegXlApi.PixelFormat));
        Assert.Equal(12, sizeof(JpegXlApi.BitDepth));
    }

    [SkippableTheory]
    [InlineData("grey8", 47, 64, 1, 8, 8, "MONOCHROME2", "is 64x48; the header says 64x47")]
    [InlineData("grey8", 48, 64, 3, 8, 8, "RGB", "1 colour channel(s); the header says 3")]
    [InlineData("grey12", 48, 64, 1, 8, 8, "MONOCHROME2", "16-bit samples, which do not fit Bits Allocated 8")]
    [InlineData("rgb8", 48, 64, 3, 8, 8, "YBR_FULL_422", "cannot be Photometric Interpretation 'YBR_FULL_422'")]
    [InlineData("rgb8", 48, 64, 3, 32, 32, "RGB", "8 or 16 bits allocated")]
    [InlineData("rgb8", 48, 64, 4, 8, 8, "ARGB", "1 (grey) or 3 (colour) samples per pixel")]
    public void A_codestream_that_disagrees_with_the_header_is_refused(string name, int rows, int columns, int samples, int allocated, int stored,
        string photometric, string expected)
    {
        RequireLibjxl();
        var encoded = Fixture(name + ".jxl.dcm");
        var geometry = new FrameGeometry(rows, columns, samples, allocated, stored, false, photometric, 0);

        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(JpegXlDecoder.Lossless, encoded.Frames[0], geometry));
        Assert.Contains(expected, error.Message);
    }

    [SkippableFact]
    public void A_lossy_codestream_under_the_lossless_syntax_is_refused()
    {
        RequireLibjxl();
        var encoded = Fixture("grey8.lossy.jxl.dcm");
        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(JpegXlDecoder.Lossless, encoded.Frames[0], encoded.Geometry));
        Assert.Equal("JPEG XL Lossless codestream is coded in XYB, which is lossy: it cannot be under the lossless transfer syntax", error.Message);
    }

    [SkippableFact]
    public void The_recompression_syntax_needs_JPEG_reconstruction_data_and_eight_bit_samples()
    {
        RequireLibjxl();
        var plain = Fixture("grey8.jxl.dcm");
        var error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(JpegXlDecoder.JpegRecompression, plain.Frames[0], plain.Geometry));
        Assert.Contains("holds no JPEG reconstruction data", error.Message);

        var wide = Fixture("grey12.jxl.dcm");
        error = Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(JpegXlDecoder.JpegRecompression, wide.Frames[0], wide.Geometry));
        Assert.Contains("hold 8-bit unsigned samples", error.Message);
    }

    [SkippableFact]
    public void Damaged_codestreams_are_codec_errors_never_crashes_or_writes_outside_the_frame()
    {
        RequireLibjxl();
        var random = new Random(20261204);
        foreach (var (name, decoder) in new[] { ("rgb8.lossy", JpegXlDecoder.Any), ("grey12", JpegXlDecoder.Lossless), ("rgb8.recompressed", JpegXlDecoder.JpegRecompression) })
        {
            var encoded = Fixture(name + ".jxl.dcm");
            var original = encoded.Frames[0];
            // The last byte may be the fragment's even-length padding: cut at least two.
            foreach (var length in new[] { 0, 1, 2, 12, original.Length / 2, original.Length - 3 })
            {
                var truncated = original.AsSpan(0, length).ToArray();
                Assert.Throws<CodecException>(() => CodecAssert.DecodeGuarded(decoder, truncated, encoded.Geometry));
            }
            for (int i = 0; i < 150; i++)
            {
                var mutated = ByteMutator.Mutate(original, random);
                try
                {
                    CodecAssert.DecodeGuarded(decoder, mutated, encoded.Geometry);
                }
                catch (CodecException)
                {
                    // the documented outcome for a damaged frame
                }
            }
        }
    }

    [Fact]
    public void Without_libjxl_the_error_says_what_to_install()
    {
        var real = NativeLibraries.JpegXl;
        var absent = new NativeCodecLibrary(real.Purpose, real.LibraryName, new[] { "libjxl-absent-for-a-test.so.0.7" }, real.InstallHint);
        var geometry = new FrameGeometry(2, 2, 1, 8, 8, false, "MONOCHROME2", 0);
        var decoder = new JpegXlDecoder(TransferSyntax.JpegXLLossless, absent);

        var first = Assert.Throws<CodecException>(() => decoder.Decode(new byte[] { 0xFF, 0x0A }, geometry, new byte[4]));
        var second = Assert.Throws<CodecException>(() => decoder.Decode(new byte[] { 0xFF, 0x0A }, geometry, new byte[4]));

        Assert.Equal($"JPEG XL decoding needs the libjxl library (libjxl-absent-for-a-test.so.0.7): install it, e.g. {real.InstallHint}", first.Message);
        Assert.Equal(first.Message, second.Message);
    }

    [SkippableFact]
    public void On_Linux_the_missing_library_message_names_the_Debian_package()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the Linux wording");
        Assert.Equal("JPEG XL decoding needs the libjxl library (libjxl.so.0.7): install it, e.g. `apt-get install libjxl0.7`",
            NativeLibraries.JpegXl.MissingMessage);
    }

    private static void AssertDecodes(JpegXlDecoder decoder, TestFrames encoded, TestFrames truth, string photometric,
        [CallerArgumentExpression(nameof(truth))] string? truthName = null)
    {
        Assert.Equal(truth.NumberOfFrames, encoded.NumberOfFrames);
        for (int frame = 0; frame < encoded.NumberOfFrames; frame++)
        {
            var output = CodecAssert.DecodeGuarded(decoder, encoded.Frames[frame], encoded.Geometry, out var decodedPhotometric);
            StoredSamples.AssertEqual(StoredSamples.Interleave(truth.Frames[frame], truth.Geometry), output, encoded.Geometry,
                $"{encoded.Name} frame {frame} vs {truth.Name} ({truthName})");
            Assert.Equal(photometric, decodedPhotometric);
        }
    }
}
