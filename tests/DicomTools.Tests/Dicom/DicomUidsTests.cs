using System.Text.RegularExpressions;
using DicomTools.Dicom;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>The UID registry against rows of PS3.6 Table A-1 (expected values typed from the standard).</summary>
public sealed class DicomUidsTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.1", "Verification SOP Class", "Verification", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.1.2", "Implicit VR Little Endian", "ImplicitVRLittleEndian", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.1", "Explicit VR Little Endian", "ExplicitVRLittleEndian", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", "DeflatedExplicitVRLittleEndian", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.2", "Explicit VR Big Endian", "ExplicitVRBigEndian", DicomUidType.TransferSyntax, true)]
    [InlineData("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", "JPEGBaseline8Bit", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", "JPEGExtended12Bit", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", "JPEGLossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", "JPEGLosslessSV1", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", "JPEGLSLossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", "JPEGLSNearLossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", "JPEG2000Lossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", "JPEG2000", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.5", "RLE Lossless", "RLELossless", DicomUidType.TransferSyntax, false)]
    // Newer than Debian's pydicom 2.3.1: from the PS3.6 2024d supplement.
    [InlineData("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "JPEGXLLossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "JPEGXLJPEGRecompression", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.112", "JPEG XL", "JPEGXL", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", "HTJ2KLossless", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", "HTJ2KLosslessRPCL", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", "HTJ2K", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", "DeflatedImageFrameCompression", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.3.1.1.1", "DICOM Application Context Name", "DICOMApplicationContext", DicomUidType.ApplicationContextName, false)]
    [InlineData("1.2.840.10008.1.3.10", "Media Storage Directory Storage", "MediaStorageDirectoryStorage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage", "ComputedRadiographyImageStorage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.2", "CT Image Storage", "CTImageStorage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.4", "MR Image Storage", "MRImageStorage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.5", "Nuclear Medicine Image Storage", "NuclearMedicineImageStorageRetired", DicomUidType.SopClass, true)]
    [InlineData("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage", "SecondaryCaptureImageStorage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.1.9", "Basic Grayscale Print Management Meta SOP Class", "BasicGrayscalePrintManagementMeta", DicomUidType.MetaSopClass, false)]
    [InlineData("1.2.840.10008.1.20.1.1", "Storage Commitment Push Model SOP Instance", "StorageCommitmentPushModelInstance", DicomUidType.WellKnownSopInstance, false)]
    [InlineData("1.2.840.10008.2.16.4", "DICOM Controlled Terminology", "DCM", DicomUidType.CodingScheme, false)]
    [InlineData("1.2.840.10008.1.4.1.1", "Talairach Brain Atlas Frame of Reference", "TalairachBrainAtlas", DicomUidType.WellKnownFrameOfReference, false)]
    public void Uid_matches_PS3_6(string uid, string name, string keyword, object uidType, bool retired)
    {
        // object: a public test method cannot name the internal enum; xUnit passes the enum value itself.
        var type = (DicomUidType)uidType;
        var info = DicomUids.Lookup(uid);
        Assert.NotNull(info);
        Assert.Equal(new DicomUidInfo(uid, name, keyword, type, retired), info);
        Assert.True(DicomUids.TryGetByKeyword(keyword, out var byKeyword));
        Assert.Same(info, byKeyword);
        Assert.Equal(name, info!.ToString());
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.1\0")] // UI values are padded to even length with NUL (PS3.5 9.1)
    [InlineData("1.2.840.10008.1.2.1 ")]
    public void Padding_is_ignored(string padded)
    {
        Assert.Equal("Explicit VR Little Endian", DicomUids.Lookup(padded)?.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.2.840.10008.1.2.99")]
    [InlineData("1.2.826.0.1.3680043.8.498.1")] // an instance UID, not registered
    public void Unregistered_uids_have_no_entry(string? uid)
    {
        Assert.Null(DicomUids.Lookup(uid));
    }

    [Fact]
    public void Every_uid_is_well_formed_and_unique()
    {
        var uidSyntax = new Regex("^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$"); // PS3.5 9.1: no leading zeros
        var keyword = new Regex("^[A-Za-z][A-Za-z0-9_]*$");
        var uids = new HashSet<string>(StringComparer.Ordinal);
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Assert.True(DicomUids.All.Count > 450, $"only {DicomUids.All.Count} UIDs");
        foreach (var info in DicomUids.All)
        {
            Assert.Matches(uidSyntax, info.Uid);
            Assert.True(info.Uid.Length <= 64, info.Uid);
            Assert.Matches(keyword, info.Keyword);
            Assert.False(string.IsNullOrWhiteSpace(info.Name), info.Uid);
            Assert.NotEqual(DicomUidType.Other, info.Type);
            Assert.True(uids.Add(info.Uid), $"{info.Uid} twice");
            Assert.True(keywords.Add(info.Keyword), $"{info.Keyword} twice");
            Assert.Same(info, DicomUids.Lookup(info.Uid));
        }
        Assert.True(DicomUids.All.Count(u => u.Type == DicomUidType.TransferSyntax) >= 60);
    }
}
