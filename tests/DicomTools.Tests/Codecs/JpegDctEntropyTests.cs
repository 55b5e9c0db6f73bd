using DicomTools.Codecs;
using DicomTools.Codecs.Jpeg;
using DicomTools.Codecs.Jpeg.Dct;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// The Huffman entropy decoding of DCT scans against T.81's own definitions, on small codestreams built bit by bit
/// here: the sequential block (F.2.2: DC difference, AC run/size, ZRL, EOB, a code longer than the look-ahead) and
/// each progressive pass (G.1.2: DC first and refinement, AC first with an end-of-band run over two blocks, AC
/// refinement with correction bits and a new coefficient placed past a non-zero one). The expected coefficients
/// are worked out by hand from the bits; whole-file agreement with libjpeg is in <see cref="JpegDctDecoderTests"/>.
/// </summary>
public sealed class JpegDctEntropyTests
{
    // DC table: SSSS 0, 1, 2 as 00, 01, 10; SSSS 3 as 110 (canonical codes of T.81 C.2).
    private static readonly byte[] DcCounts = { 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    private static readonly byte[] DcSymbols = { 0x00, 0x01, 0x02, 0x03 };

    /// <summary>Writes bits most significant first, stuffing a 0x00 after every 0xFF byte (F.1.2.3).</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = new();
        private int _current, _count;

        public BitWriter Bits(string bits)
        {
            foreach (char bit in bits.Replace(" ", ""))
            {
                _current = (_current << 1) | (bit - '0');
                if (++_count == 8) Flush();
            }
            return this;
        }

        private void Flush()
        {
            _bytes.Add((byte)_current);
            if (_current == 0xFF) _bytes.Add(0x00);
            _current = _count = 0;
        }

        /// <summary>The bytes, the last one padded with 1-bits (F.1.2.3).</summary>
        public byte[] ToArray()
        {
            while (_count != 0) Bits("1");
            return _bytes.ToArray();
        }
    }

    private static byte[] Segment(byte marker, params byte[] payload)
    {
        var length = payload.Length + 2;
        return new byte[] { 0xFF, marker, (byte)(length >> 8), (byte)length }.Concat(payload).ToArray();
    }

    private static byte[] HuffmanTable(int tableClass, byte[] counts, byte[] symbols) =>
        Segment(0xC4, new[] { (byte)(tableClass << 4) }.Concat(counts).Concat(symbols).ToArray());

    /// <summary>SOI, one quantization table of <paramref name="step"/> everywhere, a one-component frame.</summary>
    private static List<byte> Header(byte sof, int width, int step)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        bytes.AddRange(Segment(0xDB, new byte[] { 0 }.Concat(Enumerable.Repeat((byte)step, 64)).ToArray()));
        bytes.AddRange(Segment(sof, 8, 0, 8, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0));
        return bytes;
    }

    private static byte[] Scan(int spectralStart, int spectralEnd, int ah, int al, byte[] data) =>
        Segment(0xDA, 1, 1, 0x00, (byte)spectralStart, (byte)spectralEnd, (byte)((ah << 4) | al)).Concat(data).ToArray();

    [Fact]
    public void Sequential_block_reads_dc_difference_ac_run_size_zrl_long_code_and_eob()
    {
        // AC table: 0x01 = 00, EOB 0x00 = 01, ZRL 0xF0 = 100, and 0x02 (run 0, size 2) with the 12-bit code
        // 101000000000, longer than the decoder's look-ahead.
        byte[] acCounts = { 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
        byte[] acSymbols = { 0x01, 0x00, 0xF0, 0x02 };
        byte[] data = new BitWriter()
            .Bits("10 10")              // DC: SSSS 2, bits 10 -> +2
            .Bits("00 1")               // k=1: run 0 size 1, bit 1 -> +1
            .Bits("100")                // ZRL: k=2..17 zero
            .Bits("101000000000 00")    // k=18: run 0 size 2, bits 00 -> -3
            .Bits("01")                 // EOB
            .ToArray();
        var codestream = Header(0xC0, 8, 16);
        codestream.AddRange(HuffmanTable(0, DcCounts, DcSymbols));
        codestream.AddRange(HuffmanTable(1, acCounts, acSymbols));
        codestream.AddRange(Scan(0, 63, 0, 0, data));
        codestream.AddRange(new byte[] { 0xFF, 0xD9 });

        var coefficients = new short[64];
        coefficients[0] = 2;
        coefficients[1] = 1;   // zig-zag 1
        coefficients[26] = -3; // zig-zag 18 is row 3, column 2
        var expected = new short[64];
        IntegerInverseDct.For(8).Transform(coefficients, Enumerable.Repeat(16, 64).ToArray(), new int[64], expected, 8);

        var geometry = new FrameGeometry(8, 8, 1, 8, 8, false, "MONOCHROME2", 0);
        var pixels = new byte[64];
        new JpegDctDecoder().Decode(codestream.ToArray(), geometry, pixels);
        Assert.Equal(expected.Select(s => (byte)s).ToArray(), pixels);
    }

    // AC table for the progressive scans: 0x01 = 00, EOB0 0x00 = 01, EOB1 0x10 = 10, 0x12 = 110, 0x11 = 1110.
    private static readonly byte[] AcCounts = { 0, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    private static readonly byte[] AcSymbols = { 0x01, 0x00, 0x10, 0x12, 0x11 };

    /// <summary>
    /// A 16x8 progressive frame (two blocks) with the first <paramref name="scans"/> of four scans:
    /// DC first (Al 1), DC refinement (Al 0), AC 1-5 first (Al 1), AC 1-5 refinement (Al 0).
    /// </summary>
    private static byte[] Progressive(int scans)
    {
        var codestream = Header(0xC2, 16, 1);
        codestream.AddRange(HuffmanTable(0, DcCounts, DcSymbols));
        codestream.AddRange(HuffmanTable(1, AcCounts, AcSymbols));
        var all = new[]
        {
            // Block 0: SSSS 2 bits 11 -> +3; block 1: SSSS 2 bits 01 -> -2 (prediction 1). Stored << 1: 6, 2.
            Scan(0, 0, 0, 1, new BitWriter().Bits("10 11").Bits("10 01").ToArray()),
            // One bit per block at position 0: 1, 0 -> 7, 2.
            Scan(0, 0, 1, 0, new BitWriter().Bits("1").Bits("0").ToArray()),
            // Block 0: k=1 size 1 bit 0 -> -1; run 1 size 2 bits 11 -> k=3 +3; EOB1 with bit 0: this block and the
            // next end the band. Values << 1: -2 and 6.
            Scan(1, 5, 0, 1, new BitWriter().Bits("00 0").Bits("110 11").Bits("10 0").ToArray()),
            // Block 0: run 1 size 1, sign 1 (+1); correction bit 1 for k=1 (-2 -> -3), k=2 zero (counted),
            // correction bit 0 for k=3 (stays 6), k=4 zero: the new +1 goes there; then EOB0. Block 1: EOB0.
            Scan(1, 5, 1, 0, new BitWriter().Bits("1110 1").Bits("1").Bits("0").Bits("01").Bits("01").ToArray()),
        };
        for (var i = 0; i < scans; i++) codestream.AddRange(all[i]);
        codestream.AddRange(new byte[] { 0xFF, 0xD9 });
        return codestream.ToArray();
    }

    /// <summary>The coefficients (natural order) of both blocks after decoding.</summary>
    private static (short[] Block0, short[] Block1) Coefficients(byte[] codestream)
    {
        var info = JpegFrameInfo.Read(codestream, "JPEG");
        var components = DctFrameDecoder.Decode(codestream, info, info.Lines);
        try
        {
            return (components[0].Block(0, 0).ToArray(), components[0].Block(1, 0).ToArray());
        }
        finally
        {
            foreach (var c in components) c.Return();
        }
    }

    private static short[] Block(params (int Natural, short Value)[] values)
    {
        var block = new short[64];
        foreach (var (natural, value) in values) block[natural] = value;
        return block;
    }

    [Fact]
    public void Progressive_dc_first_pass_adds_differences_and_scales_by_al()
    {
        var (b0, b1) = Coefficients(Progressive(1));
        Assert.Equal(Block((0, 6)), b0);
        Assert.Equal(Block((0, 2)), b1);
    }

    [Fact]
    public void Progressive_dc_refinement_sets_bit_al()
    {
        var (b0, b1) = Coefficients(Progressive(2));
        Assert.Equal(Block((0, 7)), b0);
        Assert.Equal(Block((0, 2)), b1);
    }

    [Fact]
    public void Progressive_ac_first_pass_places_values_and_end_of_band_run_covers_the_next_block()
    {
        var (b0, b1) = Coefficients(Progressive(3));
        Assert.Equal(Block((0, 7), (1, -2), (16, 6)), b0);
        Assert.Equal(Block((0, 2)), b1);
    }

    [Fact]
    public void Progressive_ac_refinement_corrects_non_zero_coefficients_and_places_new_ones_after_counted_zeros()
    {
        var (b0, b1) = Coefficients(Progressive(4));
        // Zig-zag 1 -> natural 1, zig-zag 3 -> natural 16, zig-zag 4 -> natural 9.
        Assert.Equal(Block((0, 7), (1, -3), (16, 6), (9, 1)), b0);
        Assert.Equal(Block((0, 2)), b1);
    }

    [Fact]
    public void Huffman_data_cut_short_by_a_marker_continues_with_zero_bits_as_libjpeg_does()
    {
        // One data byte, 1010 0000, then EOI: DC SSSS 2 bits 10 -> +2; then 00 0 (size 1, bit 0 -> -1) for k=1,
        // and the zero bits libjpeg supplies past the marker (a warning there, not an error) go on reading 00 0,
        // so every later position is -1 too.
        var codestream = Header(0xC0, 8, 1);
        codestream.AddRange(HuffmanTable(0, DcCounts, DcSymbols));
        codestream.AddRange(HuffmanTable(1, AcCounts, AcSymbols));
        codestream.AddRange(Scan(0, 63, 0, 0, new byte[] { 0xA0 }));
        codestream.AddRange(new byte[] { 0xFF, 0xD9 });
        var geometry = new FrameGeometry(8, 8, 1, 8, 8, false, "MONOCHROME2", 0);
        var pixels = new byte[64];
        new JpegDctDecoder().Decode(codestream.ToArray(), geometry, pixels);
        var coefficients = Enumerable.Repeat((short)-1, 64).ToArray();
        coefficients[0] = 2;
        var expected = new short[64];
        IntegerInverseDct.For(8).Transform(coefficients, Enumerable.Repeat(1, 64).ToArray(), new int[64], expected, 8);
        Assert.Equal(expected.Select(s => (byte)s).ToArray(), pixels);
    }
}
