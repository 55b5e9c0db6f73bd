using DicomTools.Dicom;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// The corpus's deliberately broken files (their damage is described in ../shared/corpus/MANIFEST.tsv): each is
/// either refused with a <see cref="DicomReadException"/> or read with a warning, and where it is read the damage
/// shows where it belongs (a frame that cannot be filled, an unterminated fragment list), never as another
/// exception type or a hang.
/// </summary>
public sealed class BrokenCorpusTests
{
    [SkippableTheory]
    [InlineData("broken__zero_length.dcm", "empty")]
    [InlineData("broken__not_dicom_text.dcm", "not a DICOM file")]
    [InlineData("broken__bad_preamble_magic__MR_small.dcm", "not a DICOM file")]
    [InlineData("broken__preamble_only.dcm", "no data elements")]
    [InlineData("broken__truncated_header__MR_small.dcm", "File Meta Information")]
    [InlineData("broken__pydicom__no_meta.dcm", "not a DICOM file")]
    public void Refused_with_a_reason(string name, string reason)
    {
        var e = Assert.Throws<DicomReadException>(() => DicomFile.Open(CorpusFacts.File(name)));
        Assert.Contains(reason, e.Message);
    }

    [SkippableTheory]
    [InlineData("broken__encapsulated_no_seq_delimiter__CTImage_RLE.dcm")]
    [InlineData("broken__fodicom__GH1339.dcm")]
    public void Encapsulated_pixel_data_without_delimiter_is_read(string name)
    {
        var file = DicomFile.Open(CorpusFacts.File(name));

        Assert.False(file.PixelData!.Fragments!.IsTerminated);
        Assert.NotEmpty(file.Warnings);
        var source = FrameSource.Open(file);
        Assert.NotEmpty(source.ReadEncodedFrame(0));
    }

    [SkippableFact]
    public void Stray_top_level_item_is_skipped()
    {
        var file = DicomFile.Open(CorpusFacts.File("broken__fodicom__GH364.dcm"));

        Assert.Contains(file.Warnings, w => w.Contains("stray item", StringComparison.Ordinal));
        Assert.NotNull(file.PixelData);
        // MANIFEST: window 127/254 and Presentation LUT Shape IDENTITY lie after the stray item.
        Assert.Equal(127.0, file.Dataset.GetDouble(DicomTags.WindowCenter));
        Assert.Equal("IDENTITY", file.Dataset.GetString(DicomTags.PresentationLUTShape));
    }

    [SkippableTheory]
    [InlineData("broken__pydicom__MR_truncated.dcm")]
    [InlineData("broken__truncated_pixel_data__CT_small.dcm")]
    public void Truncated_native_pixel_data_reads_the_header_and_refuses_the_frame(string name)
    {
        var file = DicomFile.Open(CorpusFacts.File(name));

        Assert.True(file.PixelData!.AvailableLength < file.PixelData.Length);
        Assert.Contains(file.Warnings, w => w.Contains("Pixel Data claims", StringComparison.Ordinal));
        Assert.NotNull(file.Dataset.GetInt(DicomTags.Rows));
        var reader = PixelDataReader.Open(file);
        Assert.Throws<PixelDataException>(() => reader.ReadFrame(0));
    }

    [SkippableFact]
    public void Rows_beyond_the_pixel_data_refuse_the_frame()
    {
        var reader = PixelDataReader.Open(CorpusFacts.File("broken__rows_exceed_pixeldata__MR_small.dcm"));

        var e = Assert.Throws<PixelDataException>(() => reader.ReadFrame(0));
        Assert.Contains("frame 0", e.Message);
    }

    [SkippableFact]
    public void Encapsulated_pixel_data_cut_before_its_delimiter_gives_every_whole_frame()
    {
        // The file holds all ten JPEG 2000 fragments whole; only the Sequence Delimitation Item is missing.
        var file = DicomFile.Open(CorpusFacts.File("broken__pydicomdata__emri_small_jpeg_2k_lossless_too_short.dcm"));
        var source = FrameSource.Open(file);

        Assert.False(file.PixelData!.Fragments!.IsTerminated);
        Assert.Equal(10, source.NumberOfFrames);
        for (var i = 0; i < source.NumberOfFrames; i++)
        {
            var frame = source.ReadEncodedFrame(i);
            // Each codestream starts with SOC, SIZ (FF4F FF51) and ends with EOC (FFD9) (ISO/IEC 15444-1 A.4).
            Assert.Equal(new byte[] { 0xFF, 0x4F, 0xFF, 0x51 }, frame[..4]);
            Assert.Equal(0xD9, frame[^1] == 0 ? frame[^2] : frame[^1]);
        }
    }

    [SkippableFact]
    public void Every_broken_file_is_read_or_refused_as_DICOM_read_exception()
    {
        CorpusFacts.RequireCorpus();
        var files = Directory.GetFiles(TestCorpus.Directory!, "broken__*.dcm");
        Assert.True(files.Length >= 10, $"only {files.Length} broken__*.dcm files in {TestCorpus.Directory}");
        foreach (var path in files)
        {
            foreach (var options in new[] { DicomReadOptions.Full, DicomReadOptions.HeaderOnly })
            {
                try
                {
                    var info = new DicomInfo(DicomFile.Open(path, options));
                    _ = info.Warnings;
                }
                catch (DicomReadException)
                {
                }
            }
        }
    }
}
