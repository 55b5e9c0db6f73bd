using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>
/// Export-DicomImage: writes display images as PNG, JPEG, BMP, TIFF or WebP. Accepts display images, and for
/// one-liners pixel data, Get-DicomInfo objects or file paths (windowed with the file's own window). Output names
/// come from -Path (with {Keyword}, {BaseName}, {Frame} tokens) or -OutputDirectory. Writes are atomic and never
/// replace an existing file without -Force; images encode in parallel and results come out in input order.
/// </summary>
[Cmdlet(VerbsData.Export, "DicomImage", DefaultParameterSetName = ImageSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDicomImageCommand : ParallelFrameCmdlet<string>
{
    private const string ImageSet = "Image";
    private const string SourcePathSet = "SourcePath";

    private OutputPathTemplate? _template;
    private string? _outputDirectory;
    private ImageFormat _format;
    private EncodeOptions _options = EncodeOptions.Default;
    private bool _overwrite;
    private int _bitDepth = 8;
    private readonly HashSet<string> _targets = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Display images from ConvertTo-WindowedImage.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ImageSet, ValueFromPipeline = true)]
    public DicomDisplayImage[] Image { get; set; } = Array.Empty<DicomDisplayImage>();

    /// <summary>Decoded frames from Get-DicomPixelData, windowed with the file's own window.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PixelDataSet, ValueFromPipeline = true)]
    public DicomPixelData[] PixelData { get; set; } = Array.Empty<DicomPixelData>();

    /// <summary>DICOM files to export (taken literally; FileInfo objects from Get-ChildItem bind here).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SourcePathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] SourcePath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The output file. May hold {Keyword} tokens filled from the header (e.g. {PatientID}, {SeriesNumber},
    /// {InstanceNumber:0000}), {BaseName} (source file name) and {Frame} (0-based), so one command names a series.
    /// The extension picks the format unless -Format is given.
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Write each image to this folder as &lt;source base name&gt;.png (multi-frame: _f0000, _f0001...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    /// <summary>Image format; overrides the extension of -Path. Png when -OutputDirectory is used without it.</summary>
    [Parameter]
    public ImageFormat? Format { get; set; }

    /// <summary>JPEG quality, 1 to 100 (default 90). Other formats are lossless and ignore it.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Quality { get; set; } = EncodeOptions.DefaultJpegQuality;

    /// <summary>8 (default) or 16: 16 writes greyscale PNG/TIFF with the windowed values at full precision.</summary>
    [Parameter]
    [ValidateSet("8", "16")]
    public int BitDepth { get; set; } = 8;

    /// <summary>Replace existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write a FileInfo for each file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Prepare()
    {
        if ((Path is null) == (OutputDirectory is null))
            Fail("Give either -Path (a file name, which may hold {Keyword} tokens) or -OutputDirectory.", "OutputNotSpecified");

        if (Path is not null)
        {
            try
            {
                _template = OutputPathTemplate.Parse(Path, keyword => DicomDictionary.TryGetTag(keyword, out _));
            }
            catch (ArgumentException e)
            {
                Fail(PlainMessage(e), "InvalidOutputTemplate");
            }
            var fromExtension = ImageFormats.FromExtension(Path);
            if (Format is null && fromExtension is null)
                Fail($"Cannot tell the image format from '{Path}': use .png, .jpg, .jpeg, .bmp, .tif, .tiff or .webp, or -Format.", "UnknownImageFormat");
            _format = Format ?? fromExtension!.Value;
        }
        else
        {
            _format = Format ?? ImageFormat.Png;
            _outputDirectory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputDirectory, out var provider, out _);
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                Fail($"-OutputDirectory '{OutputDirectory}' is on the {provider.Name} provider; images are written to the file system.", "NotFileSystemPath");
        }
        if (BitDepth == 16 && !ImageFormats.Supports16BitGrey(_format))
            Fail($"-BitDepth 16 writes PNG or TIFF; {_format} holds 8 bits.", "BitDepthNotSupported");
        _options = new EncodeOptions { Quality = Quality };
        _overwrite = Force.IsPresent;
        _bitDepth = BitDepth;
    }

    internal override IEnumerable<FrameJob> Jobs() => ParameterSetName switch
    {
        PixelDataSet => PixelDataJobs(PixelData),
        InfoSet => InfoJobs(),
        SourcePathSet => ResolveFilePaths(SourcePath, literal: true).SelectMany(FileJobs),
        _ => Image.Select(FrameJob.ForImage).Where(job => job.IsSelected(Frame)),
    };

    internal override string Work(FrameJob job, List<string> warnings, CancellationToken token) =>
        Write(job, _format, _options, _overwrite, _bitDepth, warnings, token);

    internal override void WriteResult(FrameJob job, string written)
    {
        if (PassThru) WriteObject(new FileInfo(written));
    }

    /// <summary>Names the job's output (on the pipeline thread, where the session's paths resolve) and asks
    /// ShouldProcess. False when the job is skipped.</summary>
    internal override bool Accept(FrameJob job)
    {
        string relative;
        if (_template is not null)
        {
            relative = _template.Expand(job.Path, job.Frame, job.HeaderText);
        }
        else
        {
            relative = System.IO.Path.Combine(_outputDirectory!, OutputPathTemplate.DefaultOutputName(job.Path, job.Frame, job.NumberOfFrames, _format));
        }
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(relative, out var provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            ReportError(job.Path, new ArgumentException($"'{relative}' is on the {provider.Name} provider; images are written to the file system"), ErrorCategory.InvalidArgument, "NotFileSystemPath");
            return false;
        }
        if (!_targets.Add(target))
        {
            // Two images of this run would share one name: the second is refused whatever -Force says, as writing
            // it would silently replace the first.
            var hint = _template is { UsesFrame: false } ? " (add {Frame} to -Path to tell the frames of a file apart)" : "";
            ReportError(job.Path, new OutputExistsException(target, $"'{target}' was already written by this command for another image{hint}"));
            return false;
        }
        if (!ShouldProcess(target, $"Export frame {job.Frame} of {job.Path}")) return false;
        job.Target = target;
        return true;
    }

    /// <summary>Renders (when needed), encodes and writes one image atomically. Runs on a worker thread.</summary>
    private static string Write(FrameJob job, ImageFormat format, EncodeOptions options, bool overwrite, int bitDepth,
        List<string> warnings, CancellationToken token)
    {
        var target = job.Target!;
        if (bitDepth == 16)
        {
            var pixels = job.Decode();
            if (pixels.IsColor) throw new UnsupportedOutputException($"frame {job.Frame} is colour ({pixels.PhotometricInterpretation}); -BitDepth 16 is for greyscale images");
            var settings = job.Image?.Settings ?? DisplaySettings.Default;
            var grey = DisplayRenderer.RenderGrey16(pixels, settings, warnings.Add);
            return AtomicFileWriter.Write(target, stream => DisplayImageEncoder.EncodeGrey16(grey, pixels.Columns, pixels.Rows, stream, format, options), overwrite, token);
        }
        var image = job.Render(DisplaySettings.Default, warnings);
        return AtomicFileWriter.Write(target, stream => DisplayImageEncoder.Encode(image, stream, format, options), overwrite, token);
    }

    private void Fail(string message, string errorId) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, null));
}
