using System.IO.Compression;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Every way a dataset can be framed and encoded (PS3.10 7.1 preamble and meta; PS3.5 section 10 and Annex A
/// transfer syntaxes), read back to the same values. The dataset is written by hand for each encoding.
/// </summary>
public sealed class TransferSyntaxReadingTests
{
    /// <summary>The same small dataset in any encoding: values chosen so a byte-order mistake shows.</summary>
    private static DicomBytes SampleDataset(bool explicitVR, bool bigEndian) =>
        new DicomBytes(explicitVR, bigEndian)
            .Text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
            .Text(0x0008, 0x0018, "UI", "1.2.3.4.5")
            .Text(0x0008, 0x0060, "CS", "OT")
            .Text(0x0010, 0x0010, "PN", "Doe^John")
            .Text(0x0020, 0x0013, "IS", "7")
            .US(0x0028, 0x0010, 0x0102)     // Rows 258: bytes 01 02 differ in each order
            .US(0x0028, 0x0011, 0x0304)
            .UL(0x0018, 0x6018, 0x01020304) // Region Location Min X0 (UL)
            .FD(0x0018, 0x9087, 1.5);        // Diffusion b-value (FD)

    private static void AssertSampleValues(DicomFile file)
    {
        var ds = file.Dataset;
        Assert.Equal("1.2.840.10008.5.1.4.1.1.7", ds.GetString(new DicomTag(0x0008, 0x0016)));
        Assert.Equal("1.2.3.4.5", ds.GetString(new DicomTag(0x0008, 0x0018)));
        Assert.Equal("OT", ds.GetValue(new DicomTag(0x0008, 0x0060)));
        Assert.Equal("Doe", Assert.IsType<DicomPersonName>(ds.GetValue(new DicomTag(0x0010, 0x0010))).FamilyName);
        Assert.Equal(7, ds.GetValue(new DicomTag(0x0020, 0x0013)));
        Assert.Equal((ushort)0x0102, ds.GetValue(new DicomTag(0x0028, 0x0010)));
        Assert.Equal((ushort)0x0304, ds.GetValue(new DicomTag(0x0028, 0x0011)));
        Assert.Equal(0x01020304u, ds.GetValue(new DicomTag(0x0018, 0x6018)));
        Assert.Equal(1.5, ds.GetValue(new DicomTag(0x0018, 0x9087)));
        Assert.Equal(DicomVR.US, ds[new DicomTag(0x0028, 0x0010)]!.VR);
        Assert.Equal(DicomVR.FD, ds[new DicomTag(0x0018, 0x9087)]!.VR);
    }

    [Theory]
    [InlineData(DicomBytes.ImplicitLE, false, false)]
    [InlineData(DicomBytes.ExplicitLE, true, false)]
    [InlineData(DicomBytes.ExplicitBE, true, true)]
    public void Part_10_file_is_read_with_the_declared_syntax(string uid, bool explicitVR, bool bigEndian)
    {
        var file = DicomBytes.Read(DicomBytes.Part10(uid, SampleDataset(explicitVR, bigEndian)));

        Assert.Equal(uid, file.TransferSyntax.Uid);
        Assert.True(file.HasPreamble);
        Assert.True(file.HasFileMetaInformation);
        Assert.Equal(uid, file.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
        AssertSampleValues(file);
        Assert.Empty(file.Warnings);
    }

    [Fact]
    public void Element_offsets_count_from_the_start_of_the_file()
    {
        var meta = DicomBytes.Meta(DicomBytes.ExplicitLE);
        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ExplicitLE, SampleDataset(true, false)));

        var datasetStart = 132 + meta.Length;
        Assert.Equal(datasetStart, file.Dataset.Offset);
        Assert.Equal(datasetStart, file.Dataset[0].Offset);
        // An 8-byte header (tag, VR, 16-bit length) then the 26-byte UID: the next element starts 34 bytes later.
        Assert.Equal(datasetStart + 8, file.Dataset[0].ValueOffset);
        Assert.Equal(datasetStart + 8 + 26, file.Dataset[1].Offset);
        Assert.Equal(132, file.FileMetaInformation[0].Offset);
    }

    [Fact]
    public void Deflated_dataset_is_raw_deflate()
    {
        var raw = SampleDataset(true, false).ToArray();
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(raw);

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray()));

        Assert.True(file.TransferSyntax.IsDeflated);
        AssertSampleValues(file);
    }

    [Fact]
    public void Deflated_dataset_with_a_zlib_wrapper_is_tolerated()
    {
        var raw = SampleDataset(true, false).ToArray();
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        var bytes = compressed.ToArray();
        Assert.Equal(0x78, bytes[0]); // the zlib header (RFC 1950) the reader recognises

        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, bytes));

        AssertSampleValues(file);
    }

    [Fact]
    public void Damaged_deflate_stream_is_a_DICOM_read_exception()
    {
        var raw = SampleDataset(true, false).ToArray();
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(raw);
        var bytes = compressed.ToArray();
        // A block type of 3 is reserved in RFC 1951: an inflater must refuse it.
        bytes[0] = 0x07;

        Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, bytes)));
    }

    [Fact]
    public void Deflated_dataset_larger_than_the_cap_is_refused()
    {
        var dataset = new DicomBytes().Element(0x0009, 0x0010, "LO", "ACME"u8.ToArray())
            .Element(0x0009, 0x1000, "OB", new byte[100_000]);
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(dataset.ToArray());

        var e = Assert.Throws<DicomReadException>(() => DicomBytes.Read(DicomBytes.Part10(DicomBytes.DeflatedLE, compressed.ToArray()),
            new DicomReadOptions { MaxInflatedBytes = 10_000 }));
        Assert.Contains("10000", e.Message);
    }

    [Theory]
    [InlineData(false, false, DicomBytes.ImplicitLE)]
    [InlineData(true, false, DicomBytes.ExplicitLE)]
    [InlineData(true, true, DicomBytes.ExplicitBE)]
    public void Bare_dataset_encoding_is_detected(bool explicitVR, bool bigEndian, string expectedUid)
    {
        var file = DicomBytes.Read(SampleDataset(explicitVR, bigEndian).ToArray());

        Assert.False(file.HasPreamble);
        Assert.False(file.HasFileMetaInformation);
        Assert.Equal(expectedUid, file.TransferSyntax.Uid);
        AssertSampleValues(file);
    }

    [Fact]
    public void Bare_implicit_big_endian_is_read_though_no_standard_syntax_is_so()
    {
        var file = DicomBytes.Read(SampleDataset(false, true).ToArray());

        Assert.False(file.TransferSyntax.IsExplicitVR);
        Assert.True(file.TransferSyntax.IsBigEndian);
        AssertSampleValues(file);
    }

    [Theory]
    [InlineData(false, false, DicomBytes.ImplicitLE)]
    [InlineData(true, false, DicomBytes.ExplicitLE)]
    [InlineData(true, true, DicomBytes.ExplicitBE)]
    public void Preamble_without_meta_is_read_with_a_warning(bool explicitVR, bool bigEndian, string expectedUid)
    {
        var bytes = DicomBytes.Preamble().Concat(SampleDataset(explicitVR, bigEndian).ToArray()).ToArray();

        var file = DicomBytes.Read(bytes);

        Assert.True(file.HasPreamble);
        Assert.False(file.HasFileMetaInformation);
        Assert.Equal(expectedUid, file.TransferSyntax.Uid);
        AssertSampleValues(file);
        Assert.Contains(file.Warnings, w => w.Contains("no File Meta Information", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DicomBytes.ImplicitLE, false, false)]
    [InlineData(DicomBytes.ExplicitLE, true, false)]
    [InlineData(DicomBytes.ExplicitBE, true, true)]
    public void Meta_without_preamble_is_read(string uid, bool explicitVR, bool bigEndian)
    {
        var file = DicomBytes.Read(DicomBytes.Part10(uid, SampleDataset(explicitVR, bigEndian), preamble: false));

        Assert.False(file.HasPreamble);
        Assert.True(file.HasFileMetaInformation);
        Assert.Equal(uid, file.TransferSyntax.Uid);
        AssertSampleValues(file);
    }

    [Fact]
    public void Meta_without_transfer_syntax_falls_back_to_detection()
    {
        var meta = new DicomBytes().Element(0x0002, 0x0001, "OB", new byte[] { 0, 1 }).Text(0x0002, 0x0003, "UI", "1.2.3");
        var bytes = DicomBytes.Preamble().Concat(meta.ToArray()).Concat(SampleDataset(true, true).ToArray()).ToArray();

        var file = DicomBytes.Read(bytes);

        Assert.Equal(DicomBytes.ExplicitBE, file.TransferSyntax.Uid);
        AssertSampleValues(file);
        Assert.Contains(file.Warnings, w => w.Contains("no Transfer Syntax UID", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_transfer_syntax_is_read_as_explicit_little_endian_encapsulated()
    {
        // PS3.5 section 10: every transfer syntax after the first ones is explicit VR little endian.
        var file = DicomBytes.Read(DicomBytes.Part10("1.2.3.4.5.6.7", SampleDataset(true, false)));

        Assert.False(file.TransferSyntax.IsKnown);
        Assert.True(file.TransferSyntax.IsExplicitVR);
        Assert.False(file.TransferSyntax.IsBigEndian);
        Assert.True(file.TransferSyntax.IsEncapsulated);
        AssertSampleValues(file);
        Assert.Contains(file.Warnings, w => w.Contains("unknown transfer syntax", StringComparison.Ordinal));
    }

    [Fact]
    public void Declared_implicit_but_written_explicit_is_detected_at_top_level()
    {
        // Real files sometimes declare implicit VR and write explicit: a clear VR at the first element wins.
        var file = DicomBytes.Read(DicomBytes.Part10(DicomBytes.ImplicitLE, SampleDataset(true, false)));

        AssertSampleValues(file);
    }

    [Fact]
    public void Open_reads_from_disk()
    {
        using var temp = new TempDicomFile(DicomBytes.Part10(DicomBytes.ExplicitLE, SampleDataset(true, false)));

        var file = DicomFile.Open(temp.Path);

        Assert.Equal(temp.Path, file.Path);
        Assert.Equal(new FileInfo(temp.Path).Length, file.FileLength);
        AssertSampleValues(file);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2", false, false, false, PixelEncoding.Native)]
    [InlineData("1.2.840.10008.1.2.1", true, false, false, PixelEncoding.Native)]
    [InlineData("1.2.840.10008.1.2.2", true, true, false, PixelEncoding.Native)]
    [InlineData("1.2.840.10008.1.2.1.99", true, false, true, PixelEncoding.Native)]
    [InlineData("1.2.840.10008.1.2.4.50", true, false, false, PixelEncoding.JpegDct)]
    [InlineData("1.2.840.10008.1.2.4.57", true, false, false, PixelEncoding.JpegLossless)]
    [InlineData("1.2.840.10008.1.2.4.70", true, false, false, PixelEncoding.JpegLossless)]
    [InlineData("1.2.840.10008.1.2.4.80", true, false, false, PixelEncoding.JpegLs)]
    [InlineData("1.2.840.10008.1.2.4.90", true, false, false, PixelEncoding.Jpeg2000)]
    [InlineData("1.2.840.10008.1.2.4.201", true, false, false, PixelEncoding.HighThroughputJpeg2000)]
    [InlineData("1.2.840.10008.1.2.5", true, false, false, PixelEncoding.Rle)]
    [InlineData("1.2.840.10008.1.2.8.1", true, false, false, PixelEncoding.DeflatedFrames)]
    [InlineData("1.2.840.10008.1.2.4.100", true, false, false, PixelEncoding.Video)]
    public void Transfer_syntax_table_matches_PS_35(string uid, bool explicitVR, bool bigEndian, bool deflated, object pixelEncoding)
    {
        // object: a public test method cannot name the internal enum; xUnit passes the enum value itself.
        var encoding = (PixelEncoding)pixelEncoding;
        var syntax = TransferSyntax.FromUid(uid);

        Assert.True(syntax.IsKnown);
        Assert.Equal(explicitVR, syntax.IsExplicitVR);
        Assert.Equal(bigEndian, syntax.IsBigEndian);
        Assert.Equal(deflated, syntax.IsDeflated);
        Assert.Equal(encoding, syntax.PixelEncoding);
        Assert.Equal(encoding != PixelEncoding.Native, syntax.IsEncapsulated);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.1\0")]
    [InlineData(" 1.2.840.10008.1.2.1 ")]
    [InlineData("1.2.840.10008.1.2.1 \0")]
    public void Transfer_syntax_UID_padding_is_ignored(string padded)
    {
        Assert.Same(TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.FromUid(padded));
    }

    [Fact]
    public void Short_names_are_compact()
    {
        Assert.Equal("Implicit VR LE", TransferSyntax.ImplicitVRLittleEndian.ShortName);
        Assert.Equal("JPEG Lossless SV1", TransferSyntax.FromUid("1.2.840.10008.1.2.4.70").ShortName);
        Assert.Equal("9.9.9", TransferSyntax.FromUid("9.9.9").ShortName);
    }
}
