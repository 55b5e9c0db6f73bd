using DicomTools.Imaging;
using DicomTools.Pixels;
using DicomTools.Samples;
using Xunit;

namespace DicomTools.Tests.Pixels;

/// <summary>
/// The pool of frame-sized sample arrays that a renderer borrows while it owns a decoded frame alone, and what it
/// must never change: the samples and levels a caller gets. Lengths here are odd on purpose, so that no other test
/// running at the same time asks the shared pool for the same shape.
/// </summary>
public sealed class SampleBufferPoolTests
{
    [Fact]
    public void A_returned_array_is_handed_out_again_for_the_same_type_and_length()
    {
        var first = SampleBufferPool.Rent<ushort>(123_457);
        Assert.Equal(123_457, first.Length);
        SampleBufferPool.Return(first);

        var again = SampleBufferPool.Rent<ushort>(123_457);

        Assert.Same(first, again);
    }

    [Fact]
    public void An_array_of_another_type_or_length_is_never_handed_out()
    {
        var kept = SampleBufferPool.Rent<short>(123_461);
        SampleBufferPool.Return(kept);

        var otherLength = SampleBufferPool.Rent<short>(123_462);
        var otherType = SampleBufferPool.Rent<ushort>(123_461);

        Assert.Equal(123_462, otherLength.Length);
        Assert.NotSame(kept, otherType);
        Assert.IsType<ushort[]>(otherType);
    }

    [Fact]
    public void Small_arrays_are_left_to_the_garbage_collector()
    {
        var small = SampleBufferPool.Rent<byte>(1_001);
        SampleBufferPool.Return(small);

        Assert.NotSame(small, SampleBufferPool.Rent<byte>(1_001));
    }

    [Fact]
    public void A_pooled_read_gives_the_stored_values_whatever_the_array_held_before()
    {
        // A 360x360 phantom: 129 600 samples, a shape no other test uses. The pool is first given an array of that
        // shape full of 0xFFFF, so a read that skipped any sample would show it.
        const int Size = 360;
        var path = Path.Combine(Path.GetTempPath(), $"dicomtools-pool-{Guid.NewGuid():N}.dcm");
        try
        {
            CtPhantom.Write(path, Size, slice: 3);
            var dirty = SampleBufferPool.Rent<ushort>(Size * Size);
            Array.Fill(dirty, ushort.MaxValue);
            SampleBufferPool.Return(dirty);

            var frame = PixelDataReader.Open(path).ReadFrame(0, pooledSamples: true);

            Assert.Same(dirty, frame.Pixels);
            Assert.Equal(CtPhantom.Render(Size, 3), (ushort[])frame.Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_display_image_with_a_source_loader_decodes_its_source_only_when_read()
    {
        var frame = new DicomPixelData
        {
            Path = "loader.dcm", Frame = 0, NumberOfFrames = 1, Rows = 2, Columns = 2, SamplesPerPixel = 1,
            PhotometricInterpretation = "MONOCHROME2", BitsAllocated = 16, BitsStored = 12, IsSigned = false,
            Pixels = new ushort[] { 0, 1000, 2000, 4095 },
            WindowCenter = new[] { 2048.0 }, WindowWidth = new[] { 4096.0 },
        };
        var decodes = 0;
        var loader = DicomDisplayImage.DecodeOnDemand(() =>
        {
            Interlocked.Increment(ref decodes);
            return frame;
        });

        var image = DisplayRenderer.Render(frame, DisplaySettings.Default, sourceLoader: loader);

        Assert.Equal(0, decodes);
        Assert.Same(frame, image.Source);
        Assert.Same(frame, image.Source);
        Assert.Equal(1, decodes);
        // LINEAR window 2048/4096 (PS3.3 C.11.2.1.2.1): ((x - 2047.5) / 4095 + 0.5) * 255, rounded.
        Assert.Equal(new byte[] { 0, 62, 125, 255 }, image.Pixels);
    }

    [Fact]
    public void A_pooled_display_image_gets_every_level_whatever_the_array_held_before()
    {
        var frame = new DicomPixelData
        {
            Path = "pooled.dcm", Frame = 0, NumberOfFrames = 1, Rows = 300, Columns = 301, SamplesPerPixel = 1,
            PhotometricInterpretation = "MONOCHROME2", BitsAllocated = 8, BitsStored = 8, IsSigned = false,
            Pixels = Enumerable.Range(0, 300 * 301).Select(i => (byte)(i % 251)).ToArray(),
        };
        var dirty = SampleBufferPool.Rent<byte>(300 * 301);
        Array.Fill(dirty, (byte)0x5A);
        SampleBufferPool.Return(dirty);

        var image = DisplayRenderer.Render(frame, DisplaySettings.Default with { Center = 128, Width = 256 }, pooledPixels: true);

        Assert.Same(dirty, image.Pixels);
        // Window 128/256 over 8-bit stored values: ((x - 127.5) / 255 + 0.5) * 255 = x, so every level is its sample.
        Assert.Equal((byte[])frame.Pixels, image.Pixels);
    }
}
