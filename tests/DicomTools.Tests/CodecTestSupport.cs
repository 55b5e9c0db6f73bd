using DicomTools.Codecs;
using Xunit;

namespace DicomTools.Tests;

/// <summary>Shared by the frame-decoder tests (RLE, JPEG-LS, JPEG 2000, deflated frames).</summary>
internal static class CodecAssert
{
    private const int GuardLength = 64;
    private const byte Guard = 0xA5;

    /// <summary>
    /// Decodes into the middle of a larger buffer whose margins hold a known pattern, and fails if the decoder wrote
    /// into the margins: "never writes outside destination", checked on every call.
    /// </summary>
    public static byte[] DecodeGuarded(IFrameDecoder decoder, byte[] encoded, FrameGeometry geometry) =>
        DecodeGuarded(decoder, encoded, geometry, out _);

    public static byte[] DecodeGuarded(IFrameDecoder decoder, byte[] encoded, FrameGeometry geometry, out string photometric)
    {
        int length = checked((int)geometry.FrameByteLength);
        var buffer = new byte[length + 2 * GuardLength];
        buffer.AsSpan().Fill(Guard);
        try
        {
            photometric = decoder.Decode(encoded, geometry, buffer.AsSpan(GuardLength, length));
        }
        finally
        {
            AssertGuardsIntact(buffer, length);
        }
        return buffer.AsSpan(GuardLength, length).ToArray();
    }

    private static void AssertGuardsIntact(byte[] buffer, int length)
    {
        for (int i = 0; i < GuardLength; i++)
        {
            Assert.True(buffer[i] == Guard, $"decoder wrote {GuardLength - i} bytes before the destination");
            Assert.True(buffer[GuardLength + length + i] == Guard, $"decoder wrote past the end of the destination (at +{i})");
        }
    }
}

/// <summary>Deterministic damage for mini-fuzzing: the caller's seeded <see cref="Random"/> picks what to break.</summary>
internal static class Fuzz
{
    public static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bits
                for (int i = random.Next(1, 4); i > 0; i--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1: // overwrite a few bytes with anything
                for (int i = random.Next(1, 8); i > 0; i--) data[random.Next(data.Length)] = (byte)random.Next(256);
                return data;
            case 2: // truncate
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 3: // overwrite a header word with an extreme value
                int at = random.Next(Math.Min(64, data.Length - 3));
                BitConverter.TryWriteBytes(data.AsSpan(at), random.Next(3) switch { 0 => uint.MaxValue, 1 => 0u, _ => (uint)random.Next() });
                return data;
            case 4: // duplicate a slice (shifts everything after it)
                int start = random.Next(data.Length), count = random.Next(1, Math.Min(32, data.Length - start) + 1);
                return data.Take(start + count).Concat(data.Skip(start)).ToArray();
            default: // delete a slice
                int from = random.Next(data.Length), remove = random.Next(1, Math.Min(32, data.Length - from) + 1);
                return data.Take(from).Concat(data.Skip(from + remove)).ToArray();
        }
    }
}
