namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// One decoded component at its own (possibly subsampled) resolution, with the factors that map it onto the
/// image grid: <see cref="HorizontalStep"/> image columns per sample, <see cref="VerticalStep"/> rows per sample.
/// The buffer holds whole 8x8 blocks (<see cref="Stride"/> by <see cref="PaddedHeight"/>); the component itself is
/// the top-left <see cref="Width"/> by <see cref="Height"/>.
/// </summary>
internal sealed class ComponentPlane
{
    public ComponentPlane(int width, int height, int stride, int paddedHeight, int horizontalStep, int verticalStep, short[] samples)
    {
        Width = width;
        Height = height;
        Stride = stride;
        PaddedHeight = paddedHeight;
        HorizontalStep = horizontalStep;
        VerticalStep = verticalStep;
        Samples = samples;
    }

    public int Width { get; }
    public int Height { get; }
    public int Stride { get; }
    public int PaddedHeight { get; }
    public int HorizontalStep { get; }
    public int VerticalStep { get; }
    public short[] Samples { get; }

    public ReadOnlySpan<short> Row(int y) => Samples.AsSpan(y * Stride, Width);
}

/// <summary>
/// Expands a component row to the full image width as IJG libjpeg 6b does by default (and so DCMTK and GDCM,
/// whose codecs are built on it): "fancy" triangular interpolation for the common 2:1 horizontal (4:2:2) and
/// 2:1 both ways (4:2:0) cases when the component is wider than 2 samples, plain replication otherwise.
/// Other whole ratios (3:1, 4:1, 1:2) replicate, as libjpeg's integer upsampler does.
/// </summary>
internal static class ChromaUpsampler
{
    /// <summary>Fills <paramref name="output"/> (the image width) with image row <paramref name="y"/> of the plane.</summary>
    public static void ExpandRow(ComponentPlane plane, int y, Span<int> output)
    {
        int hs = plane.HorizontalStep, vs = plane.VerticalStep;
        if (hs == 1 && vs == 1)
        {
            ReadOnlySpan<short> row = plane.Row(Math.Min(y, plane.Height - 1));
            int count = Math.Min(row.Length, output.Length);
            for (int x = 0; x < count; x++) output[x] = row[x];
            for (int x = count; x < output.Length; x++) output[x] = row[row.Length - 1];
            return;
        }
        bool fancy = hs == 2 && (vs == 1 || vs == 2) && plane.Width > 2;
        if (!fancy)
        {
            ReadOnlySpan<short> row = plane.Row(Math.Min(y / vs, plane.Height - 1));
            for (int x = 0; x < output.Length; x++) output[x] = row[Math.Min(x / hs, row.Length - 1)];
            return;
        }
        if (vs == 1)
            ExpandHorizontal(plane.Row(Math.Min(y, plane.Height - 1)), output);
        else
            ExpandBoth(plane, y, output);
    }

    /// <summary>
    /// 2:1 horizontal: each output sample is 3/4 of the nearer input sample plus 1/4 of the next one over, the
    /// rounding bias alternating (+1, +2) between the pair so it does not drift; edges repeat the edge sample.
    /// </summary>
    private static void ExpandHorizontal(ReadOnlySpan<short> input, Span<int> output)
    {
        int width = input.Length;
        int last = width - 1;
        for (int c = 0; c < width; c++)
        {
            int here = input[c] * 3;
            int left = input[c == 0 ? 0 : c - 1];
            int right = input[c == last ? last : c + 1];
            int even = 2 * c;
            if (even < output.Length) output[even] = (here + left + 1) >> 2;
            if (even + 1 < output.Length) output[even + 1] = (here + right + 2) >> 2;
        }
        for (int x = 2 * width; x < output.Length; x++) output[x] = input[last];
    }

    /// <summary>
    /// 2:1 both ways: first a vertical 3/4-1/4 blend with the row above (for the upper output row of a pair) or
    /// below (for the lower one), repeating the edge rows; then the horizontal 3/4-1/4 blend of those column
    /// sums with biases 8 and 7 over the /16 result.
    /// </summary>
    private static void ExpandBoth(ComponentPlane plane, int y, Span<int> output)
    {
        int inputRow = Math.Min(y >> 1, plane.Height - 1);
        int neighbourRow = (y & 1) == 0 ? Math.Max(inputRow - 1, 0) : Math.Min(inputRow + 1, plane.Height - 1);
        ReadOnlySpan<short> near = plane.Row(inputRow);
        ReadOnlySpan<short> far = plane.Row(neighbourRow);
        int width = near.Length;
        int last = width - 1;
        for (int c = 0; c < width; c++)
        {
            int here = near[c] * 3 + far[c];
            int cl = c == 0 ? 0 : c - 1;
            int cr = c == last ? last : c + 1;
            int left = near[cl] * 3 + far[cl];
            int right = near[cr] * 3 + far[cr];
            int even = 2 * c;
            if (even < output.Length) output[even] = (here * 3 + left + 8) >> 4;
            if (even + 1 < output.Length) output[even + 1] = (here * 3 + right + 7) >> 4;
        }
        int edge = (near[last] * 3 + far[last]) * 4;
        for (int x = 2 * width; x < output.Length; x++) output[x] = (edge + 7) >> 4;
    }
}
