using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>
/// Show-DicomImage: renders frames with the DICOM display pipeline (as ConvertTo-WindowedImage does) and writes each
/// as one string holding a terminal picture: Sixel, kitty or iTerm2 graphics, or coloured half blocks. Printing the
/// string draws the picture; a variable captures it. The protocol is detected unless given.
/// </summary>
[Cmdlet(VerbsCommon.Show, "DicomImage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(string))]
public sealed class ShowDicomImageCommand : DicomPathCmdlet, IDisposable
{
    private const string PixelDataSet = "PixelData";
    private const string InfoSet = "Info";
    private const string ImageSet = "Image";

    private JobRunner<FrameJob, string>? _runner;
    private bool _notDrawn;
    private (FrameJob Job, string Picture)? _held;
    private int _shown;

    /// <summary>Decoded frames from Get-DicomPixelData.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PixelDataSet, ValueFromPipeline = true)]
    public DicomPixelData[] PixelData { get; set; } = Array.Empty<DicomPixelData>();

    /// <summary>Headers from Get-DicomInfo; their files are decoded on the way.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InfoSet, ValueFromPipeline = true)]
    public DicomInfo[] DicomInfo { get; set; } = Array.Empty<DicomInfo>();

    /// <summary>Display images from ConvertTo-WindowedImage, shown as they are (window parameters do not apply).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ImageSet, ValueFromPipeline = true)]
    public DicomDisplayImage[] Image { get; set; } = Array.Empty<DicomDisplayImage>();

    /// <summary>Frames to show (0-based; negative counts from the end). All frames when absent.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? Frame { get; set; }

    /// <summary>Use the file's n-th Window Center/Width pair (0-based).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? WindowIndex { get; set; }

    /// <summary>Use the first stored window (else VOI LUT) whose explanation matches this pattern.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(WindowNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? WindowName { get; set; }

    /// <summary>Window center in modality units (e.g. HU); give -Width with it.</summary>
    [Parameter]
    public double? Center { get; set; }

    /// <summary>Window width in modality units; give -Center with it.</summary>
    [Parameter]
    public double? Width { get; set; }

    /// <summary>A named CT window (Lung, Bone, Brain...).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(WindowPresetCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Preset { get; set; }

    /// <summary>Window from the frame's own values: MinMax or Percentile.</summary>
    [Parameter]
    public AutoWindowMode AutoWindow { get; set; } = AutoWindowMode.None;

    /// <summary>Low and high percentiles for -AutoWindow Percentile (default 1, 99).</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(0.0, 100.0)]
    public double[]? Percentile { get; set; }

    /// <summary>Use the n-th item of the VOI LUT Sequence (0-based).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? VoiLutIndex { get; set; }

    /// <summary>VOI LUT Function to use instead of the file's.</summary>
    [Parameter]
    public VoiLutFunction? Function { get; set; }

    /// <summary>Flip the inversion the file asks for.</summary>
    [Parameter]
    public SwitchParameter Invert { get; set; }

    /// <summary>How to draw: Auto (detect), Sixel, Kitty, ITerm2 or Blocks.</summary>
    [Parameter]
    public TerminalProtocol Protocol { get; set; } = TerminalProtocol.Auto;

    /// <summary>Width of the picture in terminal cells. Default: fit the window.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int? Columns { get; set; }

    /// <summary>Most frames rendered at once (default: the number of processors).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = JobRunner.DefaultDegree;

    /// <summary>Largest decoded frame accepted, in bytes. Default 512 MiB.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxImageBytes { get; set; } = PixelGeometry.DefaultMaxFrameBytes;

    protected override void BeginProcessing()
    {
        var settings = DisplaySettingsBinder.Build(this, WindowIndex, WindowName, Center, Width, Preset, AutoWindow, Percentile, VoiLutIndex, Function, Invert);
        if (ParameterSetName == ImageSet && (WindowIndex.HasValue || WindowName is not null || Center.HasValue || Preset is not null
            || AutoWindow != AutoWindowMode.None || VoiLutIndex.HasValue || Function.HasValue || Invert))
            WriteWarning("Display images arrive already windowed: the window parameters do not apply to them.");

        var terminal = TerminalHost.Probe(this);
        var protocol = Protocol;
        if (protocol == TerminalProtocol.Auto)
        {
            if (!terminal.Interactive)
            {
                WriteWarning("Pictures were not drawn: the host is not an interactive terminal, so the protocol cannot be detected. Give -Protocol Sixel, Kitty, ITerm2 or Blocks to get the picture as text.");
                _notDrawn = true;
                return;
            }
            protocol = terminal.DetectProtocol();
            WriteVerbose($"Terminal pictures as {protocol}.");
        }
        var cell = protocol == TerminalProtocol.Blocks ? CellSize.Default : terminal.CellSize();
        var (windowColumns, windowRows) = terminal.WindowSize();
        var columns = Columns;
        _runner = new JobRunner<FrameJob, string>(this,
            (job, _) => JobOutcome<string>.Run(warnings => Draw(job, settings, protocol, columns, cell, windowColumns, windowRows, warnings)),
            ThrottleLimit, OnPicture, "Show-DicomImage");
    }

    /// <summary>Renders and encodes one picture (on a worker thread).</summary>
    private static string Draw(FrameJob job, DisplaySettings settings, TerminalProtocol protocol, int? columns, CellSize cell,
        int windowColumns, int windowRows, List<string> warnings)
    {
        var image = job.Render(settings, warnings);
        double aspect = TerminalLayout.PixelAspect(job.HeaderText("PixelAspectRatio"), job.HeaderText("PixelSpacing"));
        int width = columns ?? TerminalLayout.DefaultColumns(protocol, image.Width, image.Height, aspect, windowColumns, windowRows, cell);
        return TerminalPicture.Render(image, protocol, width, cell, aspect);
    }

    /// <summary>
    /// Pictures come out one behind: a caption line (file name and frame) is added when more than one picture is
    /// shown, which is known once the second arrives.
    /// </summary>
    private void OnPicture(FrameJob job, string picture)
    {
        if (_held is { } previous) Emit(previous.Job, previous.Picture, caption: true);
        _held = (job, picture);
    }

    private void Emit(FrameJob job, string picture, bool caption)
    {
        _shown++;
        WriteObject(caption ? TextEscaper.Escape($"{System.IO.Path.GetFileName(job.Path)} frame {job.Frame}") + "\n" + picture : picture);
    }

    protected override void ProcessRecord()
    {
        if (_notDrawn) return;
        foreach (var job in Jobs())
        {
            if (Stopping) return;
            _runner!.Add(job);
        }
    }

    private IEnumerable<FrameJob> Jobs() => ParameterSetName switch
    {
        PixelDataSet => PixelData.Select(FrameJob.ForPixelData).Where(job => job.IsSelected(Frame)),
        InfoSet => DicomInfo.SelectMany(info => FrameJob.ForInfo(this, info, Frame, MaxImageBytes)),
        ImageSet => Image.Select(FrameJob.ForImage).Where(job => job.IsSelected(Frame)),
        _ => ResolveInputPaths().SelectMany(path => FrameJob.ForFile(this, path, Frame, MaxImageBytes)),
    };

    protected override void EndProcessing()
    {
        _runner?.Finish();
        if (_held is { } last) Emit(last.Job, last.Picture, caption: _shown > 0);
        _held = null;
    }

    protected override void StopProcessing() => _runner?.Cancel();

    public void Dispose() => _runner?.Dispose();
}
