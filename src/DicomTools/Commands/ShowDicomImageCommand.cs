using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Pixels;

using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// Show-DicomImage: renders frames with the DICOM display pipeline (as ConvertTo-WindowedImage does) and writes each
/// as one string holding a terminal picture: Sixel, kitty or iTerm2 graphics, or coloured half blocks. Printing the
/// string draws the picture; a variable captures it. The protocol is detected unless given.
/// </summary>
[Cmdlet(VerbsCommon.Show, "DicomImage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(string))]
public sealed class ShowDicomImageCommand : WindowingCmdlet<string>
{
    private const string ImageSet = "Image";

    private TerminalProtocol _protocol;
    private CellSize _cell = CellSize.Default;
    private (int Columns, int Rows) _window = (80, 0);
    private int? _columns;
    private bool _notDrawn;
    private bool _warnedWindowed;
    private (FrameJob Job, string Picture)? _held;
    private int _shown;

    /// <summary>Files to show; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files to show, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Decoded frames from Get-DicomPixelData.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PixelDataSet, ValueFromPipeline = true)]
    public DicomPixelData[] PixelData { get; set; } = Array.Empty<DicomPixelData>();

    /// <summary>Display images from ConvertTo-WindowedImage, shown as they are (window parameters do not apply).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ImageSet, ValueFromPipeline = true)]
    public DicomDisplayImage[] Image { get; set; } = Array.Empty<DicomDisplayImage>();

    /// <summary>How to draw: Auto (detect), Sixel, Kitty, ITerm2 or Blocks.</summary>
    [Parameter]
    public TerminalProtocol Protocol { get; set; } = TerminalProtocol.Auto;

    /// <summary>Width of the picture in terminal cells. Default: fit the window.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int? Columns { get; set; }

    protected override void PrepareOutput()
    {
        var terminal = TerminalHost.Probe(this);
        _protocol = Protocol;
        if (_protocol == TerminalProtocol.Auto)
        {
            if (!terminal.Interactive)
            {
                WriteWarning("Pictures were not drawn: the host is not an interactive terminal, so the protocol cannot be detected. Give -Protocol Sixel, Kitty, ITerm2 or Blocks to get the picture as text.");
                _notDrawn = true;
                return;
            }
            _protocol = terminal.DetectProtocol();
            WriteVerbose($"Terminal pictures as {_protocol}.");
        }
        _cell = _protocol == TerminalProtocol.Blocks ? CellSize.Default : terminal.CellSize();
        _window = terminal.WindowSize();
        _columns = Columns;
    }

    internal override IEnumerable<FrameJob> Jobs()
    {
        if (_notDrawn) return Array.Empty<FrameJob>();
        // Piped input binds after BeginProcessing, so the set is known only here.
        if (ParameterSetName == ImageSet && !_warnedWindowed && (WindowChosen || IgnorePadding || NoOverlays || OverlayColor is not null || PresentationState is not null))
        {
            _warnedWindowed = true;
            WriteWarning("Display images arrive already rendered: the window and presentation parameters do not apply to them.");
        }
        return FrameJobs();
    }

    private IEnumerable<FrameJob> FrameJobs() => ParameterSetName switch
    {
        PixelDataSet => PixelDataJobs(PixelData),
        InfoSet => InfoJobs(),
        ImageSet => Image.Select(FrameJob.ForImage).Where(job => job.IsSelected(Frame)),
        _ => ResolveInputPaths(Path, LiteralPath).SelectMany(FileJobs),
    };

    /// <summary>Renders and encodes one picture (on a worker thread).</summary>
    internal override string Work(FrameJob job, List<string> warnings, CancellationToken token)
    {
        var image = Render(job, warnings);
        double aspect = TerminalLayout.PixelAspect(job.HeaderText("PixelAspectRatio"), job.HeaderText("PixelSpacing"));
        int width = _columns ?? TerminalLayout.DefaultColumns(_protocol, image.Width, image.Height, aspect, _window.Columns, _window.Rows, _cell);
        return TerminalPicture.Render(image, _protocol, width, _cell, aspect);
    }

    /// <summary>
    /// Pictures come out one behind: a caption line (file name and frame) is added when more than one picture is
    /// shown, which is known once the second arrives.
    /// </summary>
    internal override void WriteResult(FrameJob job, string picture)
    {
        if (_held is { } previous) Emit(previous.Job, previous.Picture, caption: true);
        _held = (job, picture);
    }

    internal override void Complete()
    {
        if (_held is { } last) Emit(last.Job, last.Picture, caption: _shown > 0);
        _held = null;
    }

    private void Emit(FrameJob job, string picture, bool caption)
    {
        _shown++;
        WriteObject(caption ? TextEscaper.Escape($"{System.IO.Path.GetFileName(job.Path)} frame {job.Frame}") + "\n" + picture : picture);
    }
}
