using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// ConvertTo-WindowedImage: applies the DICOM display pipeline (Modality LUT, VOI window or LUT, presentation) and
/// writes 8-bit display images. By default the window stored in the file is used. Frames render in parallel and
/// come out in input order.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "WindowedImage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomDisplayImage))]
public sealed class ConvertToWindowedImageCommand : ParallelFrameCmdlet<DicomDisplayImage>
{
    private DisplaySettings _settings = DisplaySettings.Default;

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files to read, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Decoded frames from Get-DicomPixelData.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PixelDataSet, ValueFromPipeline = true)]
    public DicomPixelData[] PixelData { get; set; } = Array.Empty<DicomPixelData>();

    /// <summary>Use the file's n-th Window Center/Width pair (0-based).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? WindowIndex { get; set; }

    /// <summary>Use the first stored window whose explanation matches this pattern (wildcards, any case), else
    /// the first VOI LUT whose explanation matches.</summary>
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

    /// <summary>A named CT window: Brain, Subdural, Stroke, TemporalBone, Lung, Mediastinum, SoftTissue, Abdomen, Liver, Bone.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(WindowPresetCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Preset { get; set; }

    /// <summary>Window from the frame's own values: MinMax (min to black, max to white) or Percentile.</summary>
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

    /// <summary>VOI LUT Function to use instead of the file's (Linear, LinearExact, Sigmoid).</summary>
    [Parameter]
    public VoiLutFunction? Function { get; set; }

    /// <summary>Flip the inversion the file asks for (MONOCHROME1, Presentation LUT Shape INVERSE).</summary>
    [Parameter]
    public SwitchParameter Invert { get; set; }

    protected override void Prepare() =>
        _settings = DisplaySettingsBinder.Build(this, WindowIndex, WindowName, Center, Width, Preset, AutoWindow, Percentile, VoiLutIndex, Function, Invert);

    internal override IEnumerable<FrameJob> Jobs() => ParameterSetName switch
    {
        PixelDataSet => PixelDataJobs(PixelData),
        InfoSet => InfoJobs(),
        _ => ResolveInputPaths(Path, LiteralPath).SelectMany(FileJobs),
    };

    internal override DicomDisplayImage Work(FrameJob job, List<string> warnings, CancellationToken token) =>
        job.Render(_settings, warnings);

    internal override void WriteResult(FrameJob job, DicomDisplayImage image) => WriteObject(image);
}

/// <summary>Turns the VOI parameters into <see cref="DisplaySettings"/>, refusing combinations that contradict.</summary>
internal static class DisplaySettingsBinder
{
    public static DisplaySettings Build(PSCmdlet cmdlet, int? windowIndex, string? windowName, double? center, double? width, string? preset,
        AutoWindowMode autoWindow, double[]? percentile, int? voiLutIndex, VoiLutFunction? function, bool invert)
    {
        if (center.HasValue != width.HasValue)
            Fail(cmdlet, "-Center and -Width go together: give both, or neither.");
        var choices = new List<string>();
        if (windowIndex.HasValue) choices.Add("-WindowIndex");
        if (windowName is not null) choices.Add("-WindowName");
        if (center.HasValue) choices.Add("-Center/-Width");
        if (preset is not null) choices.Add("-Preset");
        if (autoWindow != AutoWindowMode.None) choices.Add("-AutoWindow");
        if (voiLutIndex.HasValue) choices.Add("-VoiLutIndex");
        if (choices.Count > 1)
            Fail(cmdlet, $"Choose one way to window the image; {string.Join(", ", choices)} were all given.");
        if (percentile is not null && autoWindow != AutoWindowMode.Percentile)
            Fail(cmdlet, "-Percentile applies to -AutoWindow Percentile.");
        if (percentile is not null && percentile[0] >= percentile[1])
            Fail(cmdlet, $"-Percentile needs low < high; got {percentile[0]}, {percentile[1]}.");

        if (preset is not null)
        {
            if (!WindowPresets.TryGet(preset, out var found))
                Fail(cmdlet, $"Unknown preset '{preset}'. Presets: {string.Join(", ", WindowPresets.All.Select(p => p.Name))}.");
            return found!.ToSettings(function, invert);
        }
        return new DisplaySettings
        {
            WindowIndex = windowIndex,
            WindowName = windowName,
            Center = center,
            Width = width,
            AutoWindow = autoWindow,
            PercentileLow = percentile?[0] ?? 1,
            PercentileHigh = percentile?[1] ?? 99,
            VoiLutIndex = voiLutIndex,
            Function = function,
            Invert = invert,
        };
    }

    private static void Fail(PSCmdlet cmdlet, string message) =>
        cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "InvalidWindowChoice", ErrorCategory.InvalidArgument, null));
}

/// <summary>Tab completion of -Preset names, with each preset's window as the tooltip.</summary>
public sealed class WindowPresetCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return WindowPresets.All
            .Where(p => p.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue, $"{p.Name}: center {p.Center}, width {p.Width} ({p.Description})"));
    }
}

/// <summary>Tab completion of -WindowName with the explanations files commonly give their windows.</summary>
public sealed class WindowNameCompleter : IArgumentCompleter
{
    /// <summary>Window explanations seen in CT, MR and CR files (upper case, as scanners write them).</summary>
    private static readonly string[] CommonNames =
    {
        "ABDOMEN", "BONE", "BRAIN", "CHEST", "HEAD", "LIVER", "LUNG", "MEDIASTINUM", "NECK", "PELVIS", "POSTERIOR FOSSA",
        "SOFT TISSUE", "SPINE", "STROKE", "SUBDURAL", "TEMPORAL BONE", "WINDOW1", "WINDOW2", "NORMAL", "HARDER", "SOFTER",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return CommonNames
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, $"stored window or VOI LUT explained as {n}"));
    }
}
