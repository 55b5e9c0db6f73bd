namespace DicomTools.Imaging;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.2 and C.11.2.1.3.</summary>
public enum VoiLutFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}
