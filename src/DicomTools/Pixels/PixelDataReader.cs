using DicomTools.Codecs;
using DicomTools.Dicom;

namespace DicomTools.Pixels;

/// <summary>
/// Decodes a file's frames one at a time into <see cref="DicomPixelData"/>: the frame's samples, typed, plus every
/// attribute the display pipeline needs for that frame (from the Functional Groups of an enhanced multi-frame
/// object when it keeps them there). The file is parsed once; frames are read from disk as they are asked for,
/// and may be asked for from several threads at once (the parallel cmdlets share one reader per file).
/// </summary>
internal sealed class PixelDataReader
{
    private readonly FrameSource _source;
    private readonly DicomDataset _dataset;
    private readonly IFrameDecoder? _decoder;
    private readonly int _highBit;
    private readonly FrameAttributes _shared;
    private readonly DicomInfo _header;
    private readonly PixelPadding? _padding;
    private readonly IReadOnlyList<OverlayPlane> _overlays;

    private PixelDataReader(FrameSource source)
    {
        _source = source;
        _dataset = source.File.Dataset;
        _decoder = source.IsEncapsulated ? CodecRegistry.For(source.TransferSyntax) : null;
        _highBit = PixelGeometry.HighBit(_dataset, source.Geometry);
        _shared = FrameAttributes.ReadShared(_dataset, source.Geometry);
        _header = new DicomInfo(source.File);
        _padding = PixelPadding.FromDataset(_dataset, source.Geometry, source.IsFloat);
        _overlays = OverlayPlane.ReadAll(_dataset, source.Geometry, _highBit, !source.IsEncapsulated);
    }

    /// <summary>Reads <paramref name="path"/> in full and opens its frames.</summary>
    public static PixelDataReader Open(string path) => Open(DicomFile.Open(path, DicomReadOptions.Full));

    /// <summary>Frames of an already read file; frames larger than <paramref name="maxFrameBytes"/> decoded are refused.</summary>
    public static PixelDataReader Open(DicomFile file, long maxFrameBytes = PixelGeometry.DefaultMaxFrameBytes) =>
        new(FrameSource.Open(file, maxFrameBytes));

    public DicomFile File => _source.File;

    public int NumberOfFrames => _source.NumberOfFrames;

    /// <summary>Frames the Pixel Data really holds (see <see cref="FrameSource.AvailableFrames"/>).</summary>
    public int AvailableFrames => _source.AvailableFrames;

    /// <summary>The file's header as Get-DicomInfo gives it.</summary>
    public DicomInfo Header => _header;

    public FrameGeometry Geometry => _source.Geometry;

    /// <summary>Decodes frame <paramref name="index"/> (0-based).</summary>
    public DicomPixelData ReadFrame(int index) => ReadFrame(index, pooledSamples: false);

    /// <summary>Decodes frame <paramref name="index"/> (0-based).</summary>
    /// <param name="pooledSamples">Take the sample array from <see cref="SampleBufferPool"/> when the layout allows
    /// (the caller then owns the frame alone and returns its samples to the pool when done).</param>
    public DicomPixelData ReadFrame(int index, bool pooledSamples)
    {
        var geometry = _source.Geometry;
        Array pixels;
        string photometric;
        if (_source.IsEncapsulated)
        {
            var decoder = _decoder ?? throw new PixelDataException(
                $"transfer syntax {_source.TransferSyntax.Name} ({_source.TransferSyntaxUID}) is not supported yet");
            // Codecs put samples in the low bits: the header's Bits Stored and Pixel Representation decide the rest.
            var layout = new SampleLayout(false, false, false, 0, geometry.BitsStored - 1, false);
            using var encoded = _source.RentEncodedFrame(index);
            if (SampleUnpacker.CanFinishInPlace(geometry, layout))
            {
                pixels = SampleUnpacker.Allocate(geometry, layout, pooledSamples);
                // A codec may leave samples it has no data for untouched: they must read zero, as in a new array.
                if (pooledSamples) SampleUnpacker.BytesOf(pixels).Clear();
                photometric = Decode(decoder, encoded.Span, geometry, SampleUnpacker.BytesOf(pixels), index);
                SampleUnpacker.FinishInPlace(pixels, geometry, layout);
            }
            else
            {
                var decoded = new byte[geometry.FrameByteLength];
                photometric = Decode(decoder, encoded.Span, geometry, decoded, index);
                pixels = SampleUnpacker.Unpack(decoded, geometry, layout);
            }
        }
        else
        {
            photometric = geometry.PhotometricInterpretation;
            var layout = new SampleLayout(_source.IsBigEndianNative, geometry.PlanarConfiguration == 1 && geometry.SamplesPerPixel > 1,
                _source.IsNativeSubsampled, _source.NativeBitOffset(index), _highBit, _source.IsFloat);
            if (SampleUnpacker.CanFinishInPlace(geometry, layout))
            {
                _source.CheckNativeFrame(index);
                // The read fills every byte (or throws), so a pooled array needs no clearing.
                pixels = SampleUnpacker.Allocate(geometry, layout, pooledSamples);
                _source.ReadNativeFrameInto(index, SampleUnpacker.BytesOf(pixels));
                SampleUnpacker.FinishInPlace(pixels, geometry, layout);
            }
            else
            {
                pixels = SampleUnpacker.Unpack(_source.ReadEncodedFrame(index), geometry, layout);
            }
        }

        var frame = FrameAttributes.ReadForFrame(_dataset, index, _shared.ModalityLut is not null, geometry.IsSigned);
        return new DicomPixelData
        {
            Path = _source.File.Path,
            Frame = index,
            NumberOfFrames = _source.NumberOfFrames,
            Rows = geometry.Rows,
            Columns = geometry.Columns,
            SamplesPerPixel = geometry.SamplesPerPixel,
            PhotometricInterpretation = photometric,
            BitsAllocated = geometry.BitsAllocated,
            BitsStored = geometry.BitsStored,
            IsSigned = geometry.IsSigned,
            Pixels = pixels,
            Header = _header,
            TransferSyntaxUID = _source.TransferSyntaxUID,
            SOPInstanceUID = _dataset.GetString(DicomTags.SOPInstanceUID),
            Modality = _dataset.GetString(DicomTags.Modality),
            RescaleSlope = frame.RescaleSlope,
            RescaleIntercept = frame.RescaleIntercept,
            RescaleType = frame.RescaleType,
            ModalityLut = _shared.ModalityLut,
            WindowCenter = frame.WindowCenter,
            WindowWidth = frame.WindowWidth,
            WindowCenterWidthExplanation = frame.WindowExplanation,
            VoiLuts = frame.VoiLuts.Length > 0 ? frame.VoiLuts : _shared.VoiLuts,
            VOILUTFunction = frame.VoiLutFunction,
            PresentationLUTShape = _shared.PresentationLutShape,
            Padding = _padding,
            Overlays = FrameOverlays.For(_overlays, index, _source),
            RedPalette = _shared.RedPalette,
            GreenPalette = _shared.GreenPalette,
            BluePalette = _shared.BluePalette,
        };
    }

    private static string Decode(IFrameDecoder decoder, ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination, int index)
    {
        try
        {
            return CodecRegistry.DecodeFrame(decoder, encoded, geometry, destination);
        }
        catch (CodecException e)
        {
            // Name the codec once: most codecs already open their messages with their name.
            var message = e.Message.StartsWith(decoder.Name, StringComparison.OrdinalIgnoreCase) ? e.Message : $"{decoder.Name}: {e.Message}";
            throw new CodecException(e.ErrorId, $"frame {index}: {message}", e);
        }
    }


    /// <summary>The display attributes of one frame, and those all frames share.</summary>
    private sealed class FrameAttributes
    {
        public double? RescaleSlope { get; private init; }
        public double? RescaleIntercept { get; private init; }
        public string? RescaleType { get; private init; }
        public double[] WindowCenter { get; private init; } = Array.Empty<double>();
        public double[] WindowWidth { get; private init; } = Array.Empty<double>();
        public string[] WindowExplanation { get; private init; } = Array.Empty<string>();
        public string? VoiLutFunction { get; private init; }

        public DicomLut? ModalityLut { get; private init; }
        public DicomLut[] VoiLuts { get; private init; } = Array.Empty<DicomLut>();
        public string? PresentationLutShape { get; private init; }
        public DicomLut? RedPalette { get; private init; }
        public DicomLut? GreenPalette { get; private init; }
        public DicomLut? BluePalette { get; private init; }

        public static FrameAttributes ReadShared(DicomDataset ds, FrameGeometry g)
        {
            var signed = g.IsSigned;
            var modalityItems = ds.GetSequence(DicomTags.ModalityLUTSequence);
            var modalityLut = modalityItems.Count > 0 ? LutReader.FromItem(modalityItems[0], signed) : null;
            var intercept = ds.GetDouble(DicomTags.RescaleIntercept) ?? 0;
            // VOI LUTs map modality values: their first mapped value is signed when those values can be negative,
            // which a Modality LUT's output (unsigned table entries) never is (the rule the renderer applies too).
            var voiLuts = VoiLutsOf(ds, VoiLutIsSigned(modalityLut is not null, signed, intercept));
            var isPalette = g.PhotometricInterpretation == "PALETTE COLOR";
            return new FrameAttributes
            {
                ModalityLut = modalityLut,
                VoiLuts = voiLuts,
                PresentationLutShape = ds.GetString(DicomTags.PresentationLUTShape)?.Trim().ToUpperInvariant() is { Length: > 0 } shape ? shape : null,
                RedPalette = isPalette ? LutReader.Palette(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, DicomTags.SegmentedRedPaletteColorLookupTableData, signed) : null,
                GreenPalette = isPalette ? LutReader.Palette(ds, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, DicomTags.SegmentedGreenPaletteColorLookupTableData, signed) : null,
                BluePalette = isPalette ? LutReader.Palette(ds, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, DicomTags.SegmentedBluePaletteColorLookupTableData, signed) : null,
            };
        }

        /// <summary>VOI LUTs map modality values: their first mapped value is signed when those values can be
        /// negative, which a Modality LUT's output (unsigned table entries) never is (the rule the renderer applies too).</summary>
        private static bool VoiLutIsSigned(bool hasModalityLut, bool signedSamples, double intercept) =>
            !hasModalityLut && (signedSamples || intercept < 0);

        private static DicomLut[] VoiLutsOf(DicomDataset holder, bool signed) =>
            holder.GetSequence(DicomTags.VOILUTSequence).Select(item => LutReader.FromItem(item, signed)).OfType<DicomLut>().ToArray();

        /// <summary>
        /// The values an enhanced object may give each frame in its functional groups (the top level wins when it
        /// has them): rescale, windows and, from the Frame VOI LUT With LUT macro (PS3.3 C.7.6.16.2.10b, enhanced
        /// XA, MG, DX), VOI LUTs. VoiLuts is empty when the frame's functional groups hold none.
        /// </summary>
        public static FrameAttributes ReadForFrame(DicomDataset ds, int frame, bool hasModalityLut, bool signedSamples)
        {
            DicomDataset? Holder(DicomTag tag) => FunctionalGroups.Holder(ds, frame, FunctionalGroups.MacroFor(tag), tag);
            var centers = Holder(DicomTags.WindowCenter)?.GetDoubles(DicomTags.WindowCenter) ?? Array.Empty<double>();
            var widths = Holder(DicomTags.WindowWidth)?.GetDoubles(DicomTags.WindowWidth) ?? Array.Empty<double>();
            // Centers and widths come in pairs; an unpaired value is no window.
            var pairs = Math.Min(centers.Length, widths.Length);
            var explanations = Holder(DicomTags.WindowCenterWidthExplanation)?.GetStrings(DicomTags.WindowCenterWidthExplanation) ?? Array.Empty<string>();
            var function = Holder(DicomTags.VOILUTFunction)?.GetString(DicomTags.VOILUTFunction)?.Trim().ToUpperInvariant();
            var slope = Holder(DicomTags.RescaleSlope)?.GetDouble(DicomTags.RescaleSlope);
            var intercept = Holder(DicomTags.RescaleIntercept)?.GetDouble(DicomTags.RescaleIntercept);
            // Top-level VOI LUTs are read once for all frames (ReadShared); only functional-group ones are per frame.
            var voiLutHolder = ds.Contains(DicomTags.VOILUTSequence) ? null : Holder(DicomTags.VOILUTSequence);
            var hasRescale = slope is not null && intercept is not null;
            return new FrameAttributes
            {
                VoiLuts = voiLutHolder is null ? Array.Empty<DicomLut>()
                    : VoiLutsOf(voiLutHolder, VoiLutIsSigned(hasModalityLut, signedSamples, hasRescale ? intercept!.Value : 0)),
                // Rescale needs both values; one alone is ignored rather than half applied.
                RescaleSlope = slope is not null && intercept is not null ? slope : null,
                RescaleIntercept = slope is not null && intercept is not null ? intercept : null,
                RescaleType = Holder(DicomTags.RescaleType)?.GetString(DicomTags.RescaleType),
                WindowCenter = centers[..pairs],
                WindowWidth = widths[..pairs],
                WindowExplanation = explanations,
                VoiLutFunction = string.IsNullOrEmpty(function) ? null : function,
            };
        }
    }
}
