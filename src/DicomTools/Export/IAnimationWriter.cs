namespace DicomTools.Export;

/// <summary>An animation written a frame at a time (<see cref="AnimatedPngWriter"/>, <see cref="AnimatedGifWriter"/>).</summary>
public interface IAnimationWriter
{
    /// <summary>Adds a frame of the writer's size and channels, shown for <paramref name="delayMilliseconds"/>.</summary>
    void AddFrame(ReadOnlySpan<byte> pixels, double delayMilliseconds);

    /// <summary>Ends the file.</summary>
    void Finish();

    /// <summary>An APNG (<see cref="ImageFormat.Png"/>) or GIF writer for <paramref name="frameCount"/> frames.</summary>
    static IAnimationWriter Create(ImageFormat format, Stream output, int width, int height, int channels, int frameCount, int compressionLevel) =>
        format switch
        {
            ImageFormat.Png => new AnimatedPngWriter(output, width, height, channels, frameCount, loops: 0, compressionLevel),
            ImageFormat.Gif => new AnimatedGifWriter(output, width, height, channels),
            _ => throw new ArgumentException($"Animations are written as PNG (APNG) or GIF, not {format}.", nameof(format)),
        };
}
