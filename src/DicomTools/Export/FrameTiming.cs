using System.Globalization;

namespace DicomTools.Export;

/// <summary>
/// How long each frame of a cine loop is shown, from the header in the order the standard's attributes are most
/// specific: Frame Time (0018,1063, ms), Frame Time Vector (0018,1065, ms between a frame and the one before it, the
/// first entry 0), Cine Rate (0018,0040, frames/s), Recommended Display Frame Rate (0008,2144, frames/s); else
/// <see cref="DefaultFramesPerSecond"/>.
/// </summary>
public sealed class FrameTiming
{
    /// <summary>Frames a second when the header says nothing usable.</summary>
    public const double DefaultFramesPerSecond = 10;

    private readonly double[] _delays;

    private FrameTiming(double[] delays, string source)
    {
        _delays = delays;
        Source = source;
    }

    /// <summary>Which attribute the timing came from (or "default 10 fps", "-FrameRate").</summary>
    public string Source { get; }

    /// <summary>Milliseconds frame <paramref name="frame"/> (0-based) stays on screen.</summary>
    public double DelayMilliseconds(int frame) => _delays.Length == 1 ? _delays[0] : _delays[Math.Clamp(frame, 0, _delays.Length - 1)];

    /// <summary>A fixed rate chosen by the user.</summary>
    public static FrameTiming FromRate(double framesPerSecond)
    {
        if (!(framesPerSecond > 0) || !double.IsFinite(framesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "The frame rate must be positive.");
        return new FrameTiming(new[] { 1000 / framesPerSecond }, $"{framesPerSecond.ToString("G", CultureInfo.InvariantCulture)} fps");
    }

    /// <param name="headerText">The text of a header attribute by keyword, or null when absent.</param>
    public static FrameTiming FromHeader(Func<string, string?> headerText, int numberOfFrames)
    {
        ArgumentNullException.ThrowIfNull(headerText);
        if (Number(headerText("FrameTime")) is { } frameTime && frameTime > 0)
            return new FrameTiming(new[] { frameTime }, "Frame Time");
        if (Numbers(headerText("FrameTimeVector")) is { Length: > 1 } vector && vector.Skip(1).All(v => v > 0))
        {
            // Entry k is the time from frame k-1 to frame k, so frame k stays until entry k+1; the last frame keeps
            // the mean so a loop does not stutter at its seam.
            var delays = new double[Math.Max(numberOfFrames, 1)];
            double mean = vector.Skip(1).Average();
            for (int k = 0; k < delays.Length; k++) delays[k] = k + 1 < vector.Length ? vector[k + 1] : mean;
            return new FrameTiming(delays, "Frame Time Vector");
        }
        if (Number(headerText("CineRate")) is { } cineRate && cineRate > 0)
            return new FrameTiming(new[] { 1000 / cineRate }, "Cine Rate");
        if (Number(headerText("RecommendedDisplayFrameRate")) is { } recommended && recommended > 0)
            return new FrameTiming(new[] { 1000 / recommended }, "Recommended Display Frame Rate");
        return new FrameTiming(new[] { 1000 / DefaultFramesPerSecond }, "default 10 fps");
    }

    private static double? Number(string? text) =>
        Numbers(text) is { Length: > 0 } values ? values[0] : null;

    private static double[]? Numbers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('\\');
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                return null;
        }
        return values;
    }
}
