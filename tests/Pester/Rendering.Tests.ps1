# Renders frame 0 of every case in ../shared/corpus/reference/index.tsv through the cmdlets
# (ConvertTo-WindowedImage | Export-DicomImage) and compares the PNG with the reference rendering.
#
# The reference is reference/pydicom/<file>__<variant>.png (pydicom + numpy following make_refs.py's rules, which
# are the standard's formulas). Where only DCMTK rendered a case, its PNG is the reference. Tolerance: within one
# grey level on all but 0.1% of the pixels.
#
# Decisions where the two references disagree (compare_report.tsv says DIFFERENT), taken by the standard:
# - derived__CR_MONO1_plut_identity: MONOCHROME1 with Presentation LUT Shape IDENTITY. MONOCHROME1 defines the
#   meaning of the stored values (minimum is white, PS3.3 C.7.6.3.1.2), so it is displayed inverted whatever the
#   shape says; DCMTK lets IDENTITY cancel the inversion. We follow pydicom (inverted).
# - derived__*_voi_sigmoid, minmax: a min-max window is the linear mapping of min to black and max to white
#   (the issue's definition); DCMTK applies the file's SIGMOID to its min-max window. We follow pydicom.
# - derived__CT_small_linear_exact_width0.5: LINEAR_EXACT allows any width > 0 (C.11.2.1.3.2); DCMTK refuses widths
#   below 1. We follow pydicom.
# - fodicom__GH610, fodicom__RI6XDosiGap (minmax): tiny or non-integer Rescale Slope; composing the modality and VOI
#   steps in double precision is the standard's math; DCMTK's integer min-max differs. We follow pydicom.
# - pydicom__rtdose_expb (32-bit values in big-endian OW): whole 32-bit big-endian values, as pydicom reads them; the
#   result equals the little-endian original pydicom__rtdose.dcm (checked below), DCMTK's 16-bit word swap does not.
# - fodicom__GH1261 (width 0) and fodicom__RI6XDosiGap (width 0.21, LINEAR): the stored window is invalid; we warn
#   and fall back to min-max, so window1 is compared with the min-max reference.
# - pydicomdata__SC_ybr_full_uncompressed (color): the references differ by rounding in YBR->RGB; we follow pydicom.
# - fodicom__GH195 (color): labelled RGB, but its codestream carries a JFIF marker and 2x2-subsampled chroma, which
#   is YCbCr by definition (JFIF); both references keep it as RGB and show false colours. We convert it, as libjpeg
#   does; JpegDctDecoderTests.Codestream_marked_JFIF_is_converted_even_when_labelled_RGB checks it against libjpeg
#   (PIL), so it is left out here.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $cases = @()
    if ($CorpusPresent) {
        $refDir = Join-Path $CorpusDir 'reference'
        $invalidStoredWindow = @('fodicom__GH1261.dcm', 'fodicom__RI6XDosiGap.dcm')
        $checkedElsewhere = @('fodicom__GH195.dcm')
        foreach ($row in Import-Csv (Join-Path $refDir 'index.tsv') -Delimiter "`t") {
            if ($row.variant -notin 'window1', 'minmax', 'voilut1', 'color') { continue }
            if ($row.file -in $checkedElsewhere) { continue }
            $variantRef = if ($row.variant -eq 'window1' -and $row.file -in $invalidStoredWindow) { 'minmax' } else { $row.variant }
            $pydicom = Join-Path $refDir "pydicom/$($row.file)__$variantRef.png"
            $dcmtk = Join-Path $refDir "dcmtk/$($row.file)__$variantRef.png"
            $reference = if (Test-Path $pydicom) { $pydicom } elseif (Test-Path $dcmtk) { $dcmtk } else { $null }
            if (-not $reference) { continue }
            $cases += @{
                File       = $row.file
                Variant    = $row.variant
                Reference  = $reference
                RefKind    = if ($reference -eq $pydicom) { 'pydicom' } else { 'dcmtk' }
                Compressed = $row.decoder -ne 'pydicom'
                Fallback   = $variantRef -ne $row.variant
            }
        }
    }
    $native = @($cases | Where-Object { -not $_.Compressed })
    $compressed = @($cases | Where-Object { $_.Compressed })
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    # Beside the DicomTools.dll the module loaded (the module folder).
    $imageSharp = Join-Path (Split-Path (Get-Command Get-DicomInfo).ImplementingType.Assembly.Location) 'SixLabors.ImageSharp.dll'
    if (-not ('DicomToolsTests.PngDiff' -as [type])) {
        Add-Type -Path $imageSharp
        # CS1701: ImageSharp was built against an older System.Runtime; the unification is harmless.
        Add-Type -ReferencedAssemblies $imageSharp -IgnoreWarnings -CompilerOptions '-nowarn:CS1701' -TypeDefinition @'
using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
namespace DicomToolsTests {
    public static class PngDiff {
        // Returns { width, height, channels, max abs difference, count of samples differing by more than 1 };
        // colour files compare R, G and B, grey files their single channel. Sizes must match.
        public static double[] Compare(string actual, string expected) {
            var info = Image.Identify(expected);
            bool colour = info.PixelType.BitsPerPixel > 16;
            using var a = Image.Load<Rgb24>(actual);
            using var b = Image.Load<Rgb24>(expected);
            if (a.Width != b.Width || a.Height != b.Height)
                return new double[] { a.Width, a.Height, -1, double.MaxValue, double.MaxValue };
            double max = 0, over = 0;
            for (int y = 0; y < a.Height; y++)
            for (int x = 0; x < a.Width; x++) {
                var p = a[x, y]; var q = b[x, y];
                int[] d = colour ? new[] { p.R - q.R, p.G - q.G, p.B - q.B } : new[] { p.R - q.R };
                foreach (var v in d) { var m = Math.Abs(v); if (m > max) max = m; if (m > 1) over++; }
            }
            return new double[] { a.Width, a.Height, colour ? 3 : 1, max, over };
        }
    }
}
'@
    }

    function Test-Rendering($File, $Variant, $Reference, $Fallback) {
        # The references ignore pixel padding and draw no overlays (dcmj2pnm -O).
        $arguments = @{ LiteralPath = (Join-Path $CorpusDir $File); Frame = 0; IgnorePadding = $true; NoOverlays = $true }
        switch ($Variant) {
            'window1' { $arguments.WindowIndex = 0 }
            'minmax' { $arguments.AutoWindow = 'MinMax' }
            'voilut1' { $arguments.VoiLutIndex = 0 }
        }
        $out = Join-Path $TestDrive "$File.$Variant.png"
        $warnings = $null
        $image = ConvertTo-WindowedImage @arguments -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue
        $image | Should -HaveCount 1
        $image | Export-DicomImage -Path $out -Force -ErrorAction Stop
        if ($Fallback) { ($warnings -join ' ') | Should -Match 'invalid' -Because 'an invalid stored window falls back to min-max with a warning' }
        $r = [DicomToolsTests.PngDiff]::Compare($out, $Reference)
        $r[2] | Should -Not -Be -1 -Because "the size must match the reference ($($r[0])x$($r[1]))"
        $samples = $r[0] * $r[1] * $r[2]
        $r[4] / $samples | Should -BeLessOrEqual 0.001 -Because "at most 0.1% of samples may differ by more than one level (max difference $($r[3]), $($r[4]) of $samples samples) vs $(Split-Path $Reference -Leaf)"
    }
}

Describe 'Rendering of uncompressed, deflated and RLE images against the references' -Skip:(-not $CorpusPresent) {
    It 'finds reference renderings for native and compressed files' -TestCases @{ Native = $native.Count; Compressed = $compressed.Count } {
        param($Native, $Compressed)
        $Native | Should -BeGreaterThan 20
        $Compressed | Should -BeGreaterThan 20
    }

    It '<File> <Variant> matches the <RefKind> reference' -TestCases $native {
        param($File, $Variant, $Reference, $RefKind, $Fallback)
        Test-Rendering $File $Variant $Reference $Fallback
    }

    It 'reads 32-bit big-endian OW pixel data as whole big-endian values (equal to the little-endian original)' {
        $be = Get-DicomPixelData -LiteralPath (Join-Path $CorpusDir 'pydicom__rtdose_expb.dcm') -Frame 0
        $le = Get-DicomPixelData -LiteralPath (Join-Path $CorpusDir 'pydicom__rtdose.dcm') -Frame 0
        $be.Pixels.Length | Should -Be $le.Pixels.Length
        [System.Linq.Enumerable]::SequenceEqual([uint[]]$be.Pixels, [uint[]]$le.Pixels) | Should -BeTrue
    }
}

Describe 'Rendering of compressed images against the references' -Skip:(-not $CorpusPresent) {
    It '<File> <Variant> matches the <RefKind> reference' -TestCases $compressed {
        param($File, $Variant, $Reference, $RefKind, $Fallback)
        Test-Rendering $File $Variant $Reference $Fallback
    }
}
