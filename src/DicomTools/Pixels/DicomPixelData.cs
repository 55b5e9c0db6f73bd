using DicomTools.Pixels;

namespace DicomTools;

/// <summary>
/// One decoded frame and everything needed to display it (what Get-DicomPixelData writes). <see cref="Pixels"/>
/// holds the samples row-major, colour interleaved, masked to Bits Stored and sign-extended from the High Bit, as
/// byte[], sbyte[], ushort[], short[], uint[], int[], float[] or double[]. The display attributes are this
/// frame's: from Per-frame or Shared Functional Groups when an enhanced multi-frame object keeps them there.
/// Empty attributes in the file are absent here (null), never zero.
/// </summary>
public sealed class DicomPixelData
{
    public required string Path { get; init; }
    public required int Frame { get; init; }
    public required int NumberOfFrames { get; init; }
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required int SamplesPerPixel { get; init; }

    /// <summary>Of the decoded samples: "RGB" when a codec already converted YCbCr, else the header's value.</summary>
    public required string PhotometricInterpretation { get; init; }
    public required int BitsAllocated { get; init; }
    public required int BitsStored { get; init; }
    public required bool IsSigned { get; init; }
    public required Array Pixels { get; init; }

    /// <summary>The file's header (as Get-DicomInfo gives it): typed attributes, any element by keyword or tag
    /// (<c>$px.Header['PatientName']</c>), and what Export-DicomImage fills {Keyword} tokens from.</summary>
    public DicomTools.DicomInfo? Header { get; init; }

    public string? TransferSyntaxUID { get; init; }
    public string? SOPInstanceUID { get; init; }
    public string? Modality { get; init; }

    // Modality LUT stage (PS3.3 C.11.1): a Modality LUT Sequence wins over rescale when both are present.
    public double? RescaleSlope { get; init; }
    public double? RescaleIntercept { get; init; }
    public string? RescaleType { get; init; }
    public DicomLut? ModalityLut { get; init; }

    // VOI LUT stage (C.11.2).
    public double[] WindowCenter { get; init; } = Array.Empty<double>();
    public double[] WindowWidth { get; init; } = Array.Empty<double>();
    public string[] WindowCenterWidthExplanation { get; init; } = Array.Empty<string>();
    public DicomLut[] VoiLuts { get; init; } = Array.Empty<DicomLut>();
    /// <summary>The file's VOI LUT Function (0028,1056) as written, or null (LINEAR is the default).</summary>
    public string? VOILUTFunction { get; init; }

    /// <summary>Stored values that are padding, not image (Pixel Padding Value / Range Limit, PS3.3 C.7.5.1.1.2);
    /// null when the file declares none. Left out of <see cref="ModalityMinimum"/> and <see cref="ModalityMaximum"/>.</summary>
    public PixelPadding? Padding { get; init; }

    /// <summary>The overlay planes (60xx) this frame shows, burned into display images unless turned off.</summary>
    public IReadOnlyList<OverlayBitmap> Overlays { get; init; } = Array.Empty<OverlayBitmap>();

    // Presentation stage (C.11.6).
    public string? PresentationLUTShape { get; init; }
    /// <summary>A Presentation LUT with data (a presentation state's Presentation LUT Sequence item): VOI output to
    /// P-values; replaces <see cref="PresentationLUTShape"/>.</summary>
    internal DicomLut? PresentationLut { get; init; }

    // PALETTE COLOR (C.7.6.3.1.5, C.7.9): red, green, blue, segmented LUTs already expanded.
    public DicomLut? RedPalette { get; init; }
    public DicomLut? GreenPalette { get; init; }
    public DicomLut? BluePalette { get; init; }

    // A boxed pair, not a nullable struct: renders of one frame may run on several threads, and a reference is
    // published atomically where a 24-byte struct could be read half-written.
    private System.Runtime.CompilerServices.StrongBox<(double Min, double Max)>? _modalityRange;

    /// <summary>Smallest modality value of the frame (after rescale or Modality LUT, padding left out), computed on first use.</summary>
    public double ModalityMinimum => (_modalityRange ??= new(ModalityValues.Range(this))).Value.Min;

    /// <summary>Largest modality value of the frame (after rescale or Modality LUT, padding left out), computed on first use.</summary>
    public double ModalityMaximum => (_modalityRange ??= new(ModalityValues.Range(this))).Value.Max;

    public bool IsColor => SamplesPerPixel > 1 || PhotometricInterpretation == "PALETTE COLOR";

    public override string ToString() =>
        DicomTools.TextEscaper.Escape($"{System.IO.Path.GetFileName(Path)} frame {Frame} of {NumberOfFrames}: {Columns}x{Rows} {PhotometricInterpretation} {BitsStored}/{BitsAllocated}-bit {(IsSigned ? "signed" : "unsigned")}");
}
