using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Imaging.Presentation;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// Export-DicomImage: writes display images as PNG, JPEG, BMP, TIFF or WebP. Accepts display images, and for
/// one-liners pixel data, Get-DicomInfo objects or file paths (windowed with the file's own window). Output names
/// come from -Path (with {Keyword}, {BaseName}, {Frame} tokens) or -OutputDirectory. Writes are atomic and never
/// replace an existing file without -Force; images encode in parallel and results come out in input order.
/// </summary>
[Cmdlet(VerbsData.Export, "DicomImage", DefaultParameterSetName = ImageSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportDicomImageCommand : RenderingCmdlet<string>
{
    private const string ImageSet = "Image";
    private const string SourcePathSet = "SourcePath";

    private OutputPathTemplate? _template;
    private string? _outputDirectory;
    private ImageFormat _format;
    private EncodeOptions _options = EncodeOptions.Default;
    private bool _overwrite;
    private int _bitDepth = 8;
    private int? _maxSize;
    private readonly List<FrameJob> _collected = new();
    private const int DefaultTileSize = 256;
    private const int DefaultSheetColumns = 6;
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

    /// <summary>Scale every image to fit a square of this many pixels (area averaging, aspect kept, never
    /// enlarged). With -ContactSheet: the size of each tile (default 256).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? MaxSize { get; set; }

    /// <summary>Write all frames of each file into one animated PNG (APNG) or GIF, timed from the header.</summary>
    [Parameter]
    public SwitchParameter Animate { get; set; }

    /// <summary>With -Animate: frames a second, instead of the header's timing.</summary>
    [Parameter]
    [ValidateRange(0.01, 1000.0)]
    public double? FrameRate { get; set; }

    /// <summary>Tile every image of the command (a series, or the frames of a file) into one picture, in Instance
    /// Number order (else by position along the slice normal).</summary>
    [Parameter]
    public SwitchParameter ContactSheet { get; set; }

    /// <summary>With -ContactSheet: tiles per row (default 6).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? Columns { get; set; }

    /// <summary>With -ContactSheet: write each tile's instance number (and frame) under it.</summary>
    [Parameter]
    public SwitchParameter Caption { get; set; }

    /// <summary>Replace existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write a FileInfo for each file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void PrepareOutput()
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
                Fail($"Cannot tell the image format from '{Path}': use .png, .apng, .jpg, .jpeg, .bmp, .tif, .tiff, .webp or .gif, or -Format.", "UnknownImageFormat");
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
        if (State is not null && BitDepth == 16)
            Fail("-PresentationState writes 8-bit images; -BitDepth 16 cannot carry its shutters and spatial transformation yet.", "BitDepthNotSupported");
        _maxSize = MaxSize;
        if (Animate && ContactSheet) Fail("-Animate and -ContactSheet make different files: choose one.", "InvalidExportMode");
        if (Animate && _format is not (ImageFormat.Png or ImageFormat.Gif))
            Fail($"-Animate writes animated PNG (.png, .apng) or GIF (.gif), not {_format}.", "AnimationFormatNotSupported");
        if ((Animate || ContactSheet) && BitDepth == 16) Fail("-BitDepth 16 applies to still images, not to -Animate or -ContactSheet.", "BitDepthNotSupported");
        if (FrameRate.HasValue && !Animate) Fail("-FrameRate applies to -Animate.", "InvalidExportMode");
        if ((Columns.HasValue || Caption) && !ContactSheet) Fail("-Columns and -Caption apply to -ContactSheet.", "InvalidExportMode");
        if (ContactSheet && Path is null) Fail("-ContactSheet writes one file: give it with -Path.", "OutputNotSpecified");
    }

    /// <summary>
    /// -Animate and -ContactSheet take every job: an animation is written when its file's frames are complete (the
    /// next file starts, or the input ends), a contact sheet when the input ends.
    /// </summary>
    internal override bool Divert(FrameJob job)
    {
        if (!Animate && !ContactSheet) return false;
        if (Animate && _collected.Count > 0 && _collected[0].Path != job.Path) WriteAnimation();
        _collected.Add(job);
        return true;
    }

    internal override void Complete()
    {
        if (Animate) WriteAnimation();
        else if (ContactSheet) WriteContactSheet();
    }

    internal override IEnumerable<FrameJob> Jobs() => ParameterSetName switch
    {
        PixelDataSet => PixelDataJobs(PixelData),
        InfoSet => InfoJobs(),
        SourcePathSet => ResolveFilePaths(SourcePath, literal: true).SelectMany(FileJobs),
        _ => Image.Select(FrameJob.ForImage).Where(job => job.IsSelected(Frame)),
    };

    internal override string Work(FrameJob job, List<string> warnings, CancellationToken token) => Write(job, warnings, token);

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
    private string Write(FrameJob job, List<string> warnings, CancellationToken token)
    {
        var target = job.Target!;
        if (_bitDepth == 16)
        {
            var frame = job.Decode();
            if (frame.IsColor) throw new UnsupportedOutputException($"frame {job.Frame} is colour ({frame.PhotometricInterpretation}); -BitDepth 16 is for greyscale images");
            if (job.Image?.PresentationState is { } applied)
                throw new UnsupportedOutputException($"frame {job.Frame} was rendered with the presentation state {System.IO.Path.GetFileName(applied)}; -BitDepth 16 cannot carry its shutters and spatial transformation yet");
            var settings = job.Image?.Settings ?? Settings;
            var grey = DisplayRenderer.RenderGrey16(frame, settings, warnings.Add);
            var (width, height) = _maxSize is { } max ? ImageScaler.FitWithin(frame.Columns, frame.Rows, max) : (frame.Columns, frame.Rows);
            if (width != frame.Columns || height != frame.Rows) grey = ImageScaler.Resize(grey, frame.Columns, frame.Rows, width, height);
            return AtomicFileWriter.Write(target, stream => DisplayImageEncoder.EncodeGrey16(grey, width, height, stream, _format, _options), _overwrite, token);
        }
        // An image rendered here (from a file, a header or decoded pixels) is seen by nobody else: its grey pixels
        // come from the pool and go back once written, so a series export does not put one on the large-object
        // heap per slice. An image that arrives rendered into a pooled array (ConvertTo-WindowedImage's) is lent
        // its pixels: once written it keeps them packed as the PNG data and the array goes back, unless someone
        // has read its Pixels (then nothing is recycled).
        var ownsImage = job.Image is null && State is null;
        var image = Render(job, warnings, pooledPixels: ownsImage);
        var pixels = image.LeasePixels();
        PackedPixels? packed = null;
        try
        {
            var (width, height) = _maxSize is { } limit ? ImageScaler.FitWithin(image.Width, image.Height, limit) : (image.Width, image.Height);
            var output = width == image.Width && height == image.Height ? pixels
                : ImageScaler.Resize(pixels, image.Width, image.Height, image.IsColor ? 3 : 1, width, height);
            var pack = !ownsImage && output == pixels && image.PixelsReusable;
            Action<Stream> encode = stream =>
                packed = DisplayImageEncoder.Encode(output, width, height, image.IsColor, stream, _format, _options, pack, image.ToString());
            // PNG is written front to back, so it is made in memory and written in one go; ImageSharp's TIFF encoder
            // seeks back in its output, so the other formats go through the file's own buffer.
            return _format == ImageFormat.Png
                ? AtomicFileWriter.WriteEncoded(target, encode, _overwrite, token)
                : AtomicFileWriter.Write(target, encode, _overwrite, token);
        }
        finally
        {
            if (!ownsImage) image.EndLease(packed);
            else if (image.PixelsReusable) SampleBufferPool.Return(pixels);
        }
    }

    /// <summary>
    /// Writes the collected frames of one file as an animation, a frame at a time: each is rendered, scaled and
    /// handed to the writer before the next is decoded, so only one decoded frame is alive at once.
    /// </summary>
    private void WriteAnimation()
    {
        if (_collected.Count == 0) return;
        var jobs = _collected.ToArray();
        _collected.Clear();
        var first = jobs[0];
        var target = NameOutput(first);
        if (target is null) return;
        if (!ShouldProcess(target, $"Export {jobs.Length} frame(s) of {first.Path} as an animation")) return;
        var timing = FrameRate is { } rate ? FrameTiming.FromRate(rate) : FrameTiming.FromHeader(first.HeaderText, first.NumberOfFrames);
        WriteVerbose($"{first.Path}: {jobs.Length} frames, timing from {timing.Source}.");
        try
        {
            AtomicFileWriter.Write(target, stream =>
            {
                IAnimationWriter? writer = null;
                int width = 0, height = 0, channels = 0;
                foreach (var job in jobs)
                {
                    if (Stopping) throw new OperationCanceledException();
                    var warnings = new List<string>();
                    var image = Render(job, warnings);
                    ReportWarnings(job.Path, warnings);
                    if (_maxSize is { } max) image = ImageScaler.Fit(image, max);
                    int imageChannels = image.IsColor ? 3 : 1;
                    if (writer is null)
                    {
                        (width, height, channels) = (image.Width, image.Height, imageChannels);
                        writer = IAnimationWriter.Create(_format, stream, width, height, channels, jobs.Length, _options.CompressionLevel);
                    }
                    else if (image.Width != width || image.Height != height || imageChannels != channels)
                    {
                        throw new UnsupportedOutputException($"frame {job.Frame} is {image.Width}x{image.Height} {(image.IsColor ? "RGB" : "grey")}; an animation's frames must all match the first ({width}x{height} {(channels == 3 ? "RGB" : "grey")})");
                    }
                    writer.AddFrame(image.Pixels, timing.DelayMilliseconds(job.Frame));
                }
                writer!.Finish();
            }, _overwrite);
        }
        catch (OperationCanceledException) when (Stopping)
        {
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReportError(first.Path, e);
            return;
        }
        if (PassThru) WriteObject(new FileInfo(target));
    }

    /// <summary>Tiles every collected image into one picture, in series order; a frame that fails leaves its tile
    /// black and is reported.</summary>
    private void WriteContactSheet()
    {
        if (_collected.Count == 0) return;
        var jobs = SeriesOrder.Sort(_collected, (job, keyword) => job.HeaderText(keyword), job => job.Frame);
        _collected.Clear();
        var target = NameOutput(jobs[0]);
        if (target is null) return;
        if (!ShouldProcess(target, $"Export a contact sheet of {jobs.Count} image(s)")) return;
        var sheet = new ContactSheet(jobs.Count, Columns ?? DefaultSheetColumns, _maxSize ?? DefaultTileSize, Caption.IsPresent);
        for (int i = 0; i < jobs.Count; i++)
        {
            if (Stopping) return;
            var job = jobs[i];
            var warnings = new List<string>();
            try
            {
                var image = Render(job, warnings);
                sheet.Place(i, image.Pixels, image.Width, image.Height, image.IsColor ? 3 : 1, TileCaption(job));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ReportError(job.Path, e);
            }
            finally
            {
                ReportWarnings(job.Path, warnings);
            }
        }
        var picture = new DicomDisplayImage
        {
            Path = target,
            Frame = 0,
            NumberOfFrames = 1,
            Width = sheet.Width,
            Height = sheet.Height,
            IsColor = sheet.IsColor,
            Pixels = sheet.Pixels(),
        };
        try
        {
            AtomicFileWriter.Write(target, stream => DisplayImageEncoder.Encode(picture, stream, _format, _options), _overwrite);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReportError(target, e);
            return;
        }
        if (PassThru) WriteObject(new FileInfo(target));
    }

    /// <summary>Instance number (else the file's base name), with the frame for multi-frame files.</summary>
    private static string TileCaption(FrameJob job)
    {
        var name = job.HeaderText("InstanceNumber")?.Trim();
        if (string.IsNullOrEmpty(name)) name = System.IO.Path.GetFileNameWithoutExtension(job.Path);
        return job.NumberOfFrames > 1 ? $"{name}:{job.Frame}" : name;
    }

    /// <summary>The one output of an animation or a contact sheet (no frame suffix in default names), or null
    /// after reporting why there is none.</summary>
    private string? NameOutput(FrameJob job)
    {
        string relative = _template is not null
            ? _template.Expand(job.Path, job.Frame, job.HeaderText)
            : System.IO.Path.Combine(_outputDirectory!, OutputPathTemplate.DefaultOutputName(job.Path, 0, 1, _format));
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(relative, out var provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            ReportError(job.Path, new ArgumentException($"'{relative}' is on the {provider.Name} provider; images are written to the file system"), ErrorCategory.InvalidArgument, "NotFileSystemPath");
            return null;
        }
        if (!_targets.Add(target))
        {
            ReportError(job.Path, new OutputExistsException(target, $"'{target}' was already written by this command for another image"));
            return null;
        }
        return target;
    }

    private void Fail(string message, string errorId) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, null));
}
