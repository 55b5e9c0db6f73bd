using System.Text.Json;
using DicomTools.Dicom;
using DicomTools.Tests.Support;
using Xunit;

namespace DicomTools.Tests.Dicom;

/// <summary>
/// Multi-valued binary numbers keep their sign through <see cref="DicomDataset.GetDoubles"/> and
/// <see cref="DicomDataset.GetInt"/>: the CLR lets a short[] pass as ushort[] (int[] as uint[]), so a type pattern
/// once read SS -2 as 65534 and UL 3000000000 as a negative number. The file is written by pydicom and the values it
/// reads back are the truth (dcmdump prints the same: SS -2\-30000\7, SL -5\-7, UL 3000000000\1).
/// </summary>
public sealed class SignedNumberValueTests
{
    private const string Script = """
        import sys, json
        from pydicom.dataset import Dataset, FileMetaDataset
        from pydicom.uid import ExplicitVRLittleEndian
        m = FileMetaDataset(); m.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"; m.MediaStorageSOPInstanceUID = "2.25.77"
        m.TransferSyntaxUID = ExplicitVRLittleEndian
        d = Dataset(); d.file_meta = m; d.is_little_endian = True; d.is_implicit_VR = False
        d.SOPClassUID = m.MediaStorageSOPClassUID; d.SOPInstanceUID = m.MediaStorageSOPInstanceUID
        d.add_new(0x00289503, "SS", [-2, -30000, 7])          # Vertices of the Region
        d.add_new(0x00189219, "SS", -32768)                   # Tag Angle Second Axis (one value)
        d.add_new(0x00700052, "SL", [-5, -7])                 # Displayed Area Top Left Hand Corner
        d.add_new(0x0040A132, "UL", [3000000000, 1])          # Referenced Sample Positions
        d.add_new(0x00281101, "US", [65535, 0, 16])           # Red Palette Color LUT Descriptor
        d.save_as(sys.argv[1], write_like_original=False)
        import pydicom
        r = pydicom.dcmread(sys.argv[1])
        print(json.dumps({hex(t): [int(v) for v in (r[t].value if r[t].VM > 1 else [r[t].value])]
                          for t in (0x00289503, 0x00189219, 0x00700052, 0x0040A132, 0x00281101)}))
        """;

    [SkippableFact]
    public void Signed_and_unsigned_arrays_read_as_pydicom_reads_them()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dicomtools-signed-{Guid.NewGuid():N}.dcm");
        try
        {
            var truth = PydicomScript.RunJsonLines(Script, new[] { path }).Single();
            var ds = DicomFile.Open(path, DicomReadOptions.Full).Dataset;
            foreach (var property in truth.EnumerateObject())
            {
                var tag = new DicomTag(Convert.ToUInt16(property.Name[2..^4].PadLeft(4, '0'), 16), Convert.ToUInt16(property.Name[^4..], 16));
                var expected = property.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.True(expected.SequenceEqual(ds.GetDoubles(tag)!), $"{tag}: pydicom {string.Join('\\', expected)}, GetDoubles {string.Join('\\', ds.GetDoubles(tag) ?? Array.Empty<double>())}");
                int? first = expected[0] is >= int.MinValue and <= int.MaxValue ? (int)expected[0] : null;
                Assert.True(first == ds.GetInt(tag), $"{tag}: pydicom's first value {expected[0]}, GetInt {ds.GetInt(tag)}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
