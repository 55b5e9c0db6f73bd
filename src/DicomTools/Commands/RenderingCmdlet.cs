using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using DicomTools.Commands;
using DicomTools.Imaging;
using DicomTools.Imaging.Presentation;

namespace DicomTools;

/// <summary>
/// The base of the cmdlets that render frames for display (ConvertTo-WindowedImage, Export-DicomImage,
/// Show-DicomImage): the presentation choices each of them takes, declared and checked here once. Frames that
/// arrive already rendered keep the choices they were rendered with.
/// </summary>
public abstract class RenderingCmdlet<TResult> : ParallelFrameCmdlet<TResult>
{
    /// <summary>Treat Pixel Padding Value pixels as image: counted by -AutoWindow and windowed, instead of left out
    /// and shown black.</summary>
    [Parameter]
    public SwitchParameter IgnorePadding { get; set; }

    /// <summary>Leave the overlay planes (60xx) out; by default they are burned in.</summary>
    [Parameter]
    public SwitchParameter NoOverlays { get; set; }

    /// <summary>Colour of overlays burned into colour images: a name (Red, Yellow...), #RRGGBB or R,G,B. Default
    /// white. Grey images show overlays white.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OverlayColor { get; set; }

    /// <summary>A Grayscale Softcopy Presentation State (path or Get-DicomInfo object) to apply to the images it
    /// references: its window, Presentation LUT Shape, activated overlays, shutters, displayed area and rotation.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? PresentationState { get; set; }

    /// <summary>The display settings every frame is rendered with (fixed in <see cref="Prepare"/>).</summary>
    internal DisplaySettings Settings { get; private set; } = DisplaySettings.Default;

    /// <summary>The presentation state given with -PresentationState, read once; null when none was given.</summary>
    internal GrayscalePresentationState? State { get; private set; }

    protected sealed override void Prepare()
    {
        Settings = WindowSettings() with
        {
            IgnorePadding = IgnorePadding,
            NoOverlays = NoOverlays,
            OverlayColor = DisplaySettingsBinder.Color(this, OverlayColor),
        };
        State = PresentationStateLoader.Load(this, PresentationState);
        PrepareOutput();
    }

    /// <summary>The VOI choices of the command; the file's own window unless a derived cmdlet offers more.</summary>
    private protected virtual DisplaySettings WindowSettings() => DisplaySettings.Default;

    /// <summary>Checks the cmdlet's own parameters and fixes what its workers read (called once, before any job,
    /// after <see cref="Settings"/> and <see cref="State"/> are fixed).</summary>
    protected virtual void PrepareOutput()
    {
    }

    /// <summary>A job's display image: as given when it arrives rendered, else rendered with <see cref="Settings"/>
    /// and, when one was given, the presentation state. Runs on a worker thread.</summary>
    internal DicomDisplayImage Render(FrameJob job, List<string> warnings) =>
        State is not null && job.Image is null
            ? PresentationStateRenderer.Render(job.Decode(), State, Settings, warnings.Add)
            : job.Render(Settings, warnings);
}

/// <summary>
/// A <see cref="RenderingCmdlet{TResult}"/> that also chooses the window (ConvertTo-WindowedImage, Show-DicomImage):
/// the VOI parameters, declared and checked here once.
/// </summary>
public abstract class WindowingCmdlet<TResult> : RenderingCmdlet<TResult>
{
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

    /// <summary>True when any parameter that chooses or changes the window was given.</summary>
    private protected bool WindowChosen =>
        WindowIndex.HasValue || WindowName is not null || Center.HasValue || Width.HasValue || Preset is not null
        || AutoWindow != AutoWindowMode.None || Percentile is not null || VoiLutIndex.HasValue || Function.HasValue || Invert;

    private protected sealed override DisplaySettings WindowSettings() =>
        DisplaySettingsBinder.Build(this, WindowIndex, WindowName, Center, Width, Preset, AutoWindow, Percentile, VoiLutIndex, Function, Invert);
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

    /// <summary>The -OverlayColor value as a colour (white when not given); an unknown colour stops the command.</summary>
    public static System.Drawing.Color Color(PSCmdlet cmdlet, string? text)
    {
        if (text is null) return System.Drawing.Color.White;
        if (!OverlayColors.TryParse(text, out var color))
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                $"-OverlayColor '{text}' is not a colour: give a name (Red, Yellow...), #RRGGBB or R,G,B with values 0-255."),
                "InvalidOverlayColor", ErrorCategory.InvalidArgument, text));
        return color;
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
