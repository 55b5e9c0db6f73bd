using System.Runtime.CompilerServices;

namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// Arithmetic-coded DCT scans (SOF9 sequential, SOF10 progressive): the binary decisions of T.81 F.1.4.4 (DC and
/// AC of sequential scans), G.1.3.2 (DC and AC first passes) and G.1.3.3 (refinement passes), over the
/// statistics areas of <see cref="ArithmeticConditioning"/> tables. All statistics start at zero at the start of
/// a scan and of every restart interval, as do the DC predictions and their contexts.
/// </summary>
internal static class ArithmeticScanDecoder
{
    private const int DcBins = 64;
    private const int AcBins = 256;

    [SkipLocalsInit]
    public static int Decode(ReadOnlySpan<byte> data, int position, DctScan scan, DctFrame frame, ArithmeticConditioning conditioning)
    {
        var decoder = new ArithmeticDecoder(data, position);
        Span<byte> dcStats = stackalloc byte[4 * DcBins];
        Span<byte> acStats = stackalloc byte[4 * AcBins];
        Span<short> scratch = stackalloc short[64];
        scratch.Clear();
        byte fixedBin = ArithmeticDecoder.FixedEstimate;
        DctComponent[] components = scan.Components;
        Reset(components, dcStats, acStats);
        int mcusWide = scan.McusWide(frame), mcusHigh = scan.McusHigh(frame);
        int interval = scan.RestartInterval;
        int untilRestart = interval;
        bool single = components.Length == 1;

        for (int mcuY = 0; mcuY < mcusHigh; mcuY++)
        {
            for (int mcuX = 0; mcuX < mcusWide; mcuX++)
            {
                if (interval > 0)
                {
                    if (untilRestart == 0)
                    {
                        decoder.Restart();
                        Reset(components, dcStats, acStats);
                        untilRestart = interval;
                    }
                    untilRestart--;
                }
                foreach (DctComponent c in components)
                {
                    int h = single ? 1 : c.HorizontalSampling, v = single ? 1 : c.VerticalSampling;
                    Span<byte> dc = dcStats.Slice(c.DcConditioning * DcBins, DcBins);
                    Span<byte> ac = acStats.Slice(c.AcConditioning * AcBins, AcBins);
                    for (int by = 0; by < v; by++)
                    {
                        for (int bx = 0; bx < h; bx++)
                        {
                            int blockX = mcuX * h + bx, blockY = mcuY * v + by;
                            if (!scan.Progressive)
                            {
                                DecodeDcFirst(ref decoder, c, dc, conditioning, scratch, 0);
                                bool dcOnly = DecodeAcFirst(ref decoder, ac, ref fixedBin, conditioning.AcK[c.AcConditioning], scratch, 1, 63, 0);
                                DctOutput.Emit(frame, c, blockX, blockY, scratch, dcOnly);
                                continue;
                            }
                            Span<short> block = c.Block(blockX, blockY);
                            if (scan.IsDc)
                            {
                                if (!scan.IsRefinement) DecodeDcFirst(ref decoder, c, dc, conditioning, block, scan.ApproximationLow);
                                else if (decoder.Decode(ref fixedBin) != 0) block[0] |= (short)(1 << scan.ApproximationLow);
                            }
                            else if (scan.IsRefinement)
                            {
                                DecodeAcRefinement(ref decoder, ac, ref fixedBin, block, scan.SpectralStart, scan.SpectralEnd, scan.ApproximationLow);
                            }
                            else
                            {
                                DecodeAcFirst(ref decoder, ac, ref fixedBin, conditioning.AcK[c.AcConditioning], block,
                                    scan.SpectralStart, scan.SpectralEnd, scan.ApproximationLow);
                            }
                        }
                    }
                }
            }
        }
        return decoder.Position;
    }

    private static void Reset(DctComponent[] components, scoped Span<byte> dcStats, scoped Span<byte> acStats)
    {
        dcStats.Clear();
        acStats.Clear();
        foreach (DctComponent c in components)
        {
            c.DcPrediction = 0;
            c.DcContext = 0;
        }
    }

    /// <summary>
    /// F.1.4.4.1 (and G.1.3.2 for a first DC pass): the DC difference coded as zero/non-zero, sign, magnitude
    /// category and magnitude bits, each decision's context chosen by the previous difference of the component
    /// (classified against the conditioning bounds L and U), added to the prediction and scaled by Al.
    /// </summary>
    private static void DecodeDcFirst(ref ArithmeticDecoder decoder, DctComponent c, scoped Span<byte> stats, ArithmeticConditioning conditioning,
        scoped Span<short> block, int al)
    {
        int s0 = c.DcContext;
        if (decoder.Decode(ref stats[s0]) == 0)
        {
            c.DcContext = 0;
        }
        else
        {
            int sign = decoder.Decode(ref stats[s0 + 1]);
            int bin = s0 + 2 + sign;
            int magnitude = decoder.Decode(ref stats[bin]);
            if (magnitude != 0)
            {
                bin = 20;
                while (decoder.Decode(ref stats[bin]) != 0)
                {
                    magnitude <<= 1;
                    if (magnitude == 0x8000) throw new CodecException("JPEG: arithmetic-coded DC difference has a magnitude category above 15 (damaged data).");
                    bin++;
                }
            }
            int lower = conditioning.DcL[c.DcConditioning], upper = conditioning.DcU[c.DcConditioning];
            if (magnitude < (1 << lower) >> 1) c.DcContext = 0;
            else if (magnitude > (1 << upper) >> 1) c.DcContext = 12 + 4 * sign;
            else c.DcContext = 4 + 4 * sign;
            int value = magnitude;
            bin += 14;
            while ((magnitude >>= 1) != 0)
            {
                if (decoder.Decode(ref stats[bin]) != 0) value |= magnitude;
            }
            value++;
            c.DcPrediction += sign != 0 ? -value : value;
        }
        block[0] = (short)(c.DcPrediction << al);
    }

    /// <summary>
    /// F.1.4.4.2 (and G.1.3.2 for a first AC pass over <paramref name="start"/>..<paramref name="end"/>): per
    /// position an end-of-block decision, then zero/non-zero decisions until a non-zero coefficient, its sign
    /// (fixed estimate), magnitude category (contexts split at Kx) and magnitude bits. Returns true when no
    /// coefficient was coded (an immediate end of block).
    /// </summary>
    private static bool DecodeAcFirst(ref ArithmeticDecoder decoder, scoped Span<byte> stats, ref byte fixedBin, int kx,
        scoped Span<short> block, int start, int end, int al)
    {
        ReadOnlySpan<byte> natural = ZigZag.Natural;
        bool none = true;
        for (int k = start; k <= end; k++)
        {
            int bin = 3 * (k - 1);
            if (decoder.Decode(ref stats[bin]) != 0) break; // end of block
            while (decoder.Decode(ref stats[bin + 1]) == 0)
            {
                bin += 3;
                if (++k > end) throw new CodecException("JPEG: arithmetic-coded block runs past the end of its spectral band (damaged data).");
            }
            int sign = decoder.Decode(ref fixedBin);
            bin += 2;
            int magnitude = decoder.Decode(ref stats[bin]);
            if (magnitude != 0 && decoder.Decode(ref stats[bin]) != 0)
            {
                magnitude <<= 1;
                bin = k <= kx ? 189 : 217;
                while (decoder.Decode(ref stats[bin]) != 0)
                {
                    magnitude <<= 1;
                    if (magnitude == 0x8000) throw new CodecException("JPEG: arithmetic-coded AC coefficient has a magnitude category above 15 (damaged data).");
                    bin++;
                }
            }
            int value = magnitude;
            bin += 14;
            while ((magnitude >>= 1) != 0)
            {
                if (decoder.Decode(ref stats[bin]) != 0) value |= magnitude;
            }
            value++;
            block[natural[k]] = (short)((sign != 0 ? -value : value) << al);
            none = false;
        }
        return none;
    }

    /// <summary>
    /// G.1.3.3: the refinement pass. Past the last coefficient that was already non-zero (EOBx) an end-of-band
    /// decision comes first; an already non-zero coefficient gets a correction bit, a zero one a decision whether
    /// it becomes +-2^Al (sign with the fixed estimate).
    /// </summary>
    private static void DecodeAcRefinement(ref ArithmeticDecoder decoder, scoped Span<byte> stats, ref byte fixedBin, scoped Span<short> block,
        int start, int end, int al)
    {
        ReadOnlySpan<byte> natural = ZigZag.Natural;
        int positive = 1 << al, negative = -1 << al;
        int lastNonZero = end;
        while (lastNonZero > 0 && block[natural[lastNonZero]] == 0) lastNonZero--;
        for (int k = start; k <= end; k++)
        {
            int bin = 3 * (k - 1);
            if (k > lastNonZero && decoder.Decode(ref stats[bin]) != 0) break;
            while (true)
            {
                int index = natural[k];
                int coefficient = block[index];
                if (coefficient != 0)
                {
                    if (decoder.Decode(ref stats[bin + 2]) != 0)
                        block[index] = (short)(coefficient < 0 ? coefficient + negative : coefficient + positive);
                    break;
                }
                if (decoder.Decode(ref stats[bin + 1]) != 0)
                {
                    block[index] = (short)(decoder.Decode(ref fixedBin) != 0 ? negative : positive);
                    break;
                }
                bin += 3;
                if (++k > end) throw new CodecException("JPEG: arithmetic-coded refinement runs past the end of its spectral band (damaged data).");
            }
        }
    }
}

/// <summary>
/// Arithmetic conditioning tables (DAC, T.81 B.2.4.3, F.1.4.4.1.4): per table the DC bounds L and U and the AC
/// split point Kx, with the defaults L = 0, U = 1, Kx = 5.
/// </summary>
internal sealed class ArithmeticConditioning
{
    public int[] DcL { get; } = { 0, 0, 0, 0 };
    public int[] DcU { get; } = { 1, 1, 1, 1 };
    public int[] AcK { get; } = { 5, 5, 5, 5 };
}
