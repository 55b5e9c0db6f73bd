# A series through the pipelines that reuse memory: frames decoded into pooled arrays, display images whose Source is
# decoded again on request, grey pixels of images Export-DicomImage renders itself returned to the pool, and those of
# ConvertTo-WindowedImage's images given back once written (the image keeps them packed). Whatever an array held
# before, every slice must come out as the independent rendering says, and an image a user holds keeps its pixels.
BeforeDiscovery {
    $script:HasPydicom = $false
    if (Test-Path /usr/bin/python3) { & /usr/bin/python3 -c 'import pydicom, numpy, PIL' 2>$null; $script:HasPydicom = $LASTEXITCODE -eq 0 }
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $phantom = Get-ModuleType DicomTools.Samples.CtPhantom
    # 256x256: the decoded samples (128 KiB) and the grey image (64 KiB) are both large enough to be pooled.
    $series = Join-Path $TestDrive 'series'
    New-Item -ItemType Directory -Path $series | Out-Null
    for ($i = 0; $i -lt 8; $i++) { $phantom::Write((Join-Path $series ('slice{0:d2}.dcm' -f $i)), 256, $i * 40, '2.25.14', '2.25.15') }
    # pydicom + numpy: modality LUT, then the first stored window as LINEAR (PS3.3 C.11.2.1.2.1), rounded once.
    $script = @'
import os, sys
import numpy as np, pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
from PIL import Image
series, outputs = sys.argv[1], sys.argv[2:]
bad = []
for name in sorted(os.listdir(series)):
    ds = pydicom.dcmread(os.path.join(series, name))
    x = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
    c = float(ds.WindowCenter[0] if ds["WindowCenter"].VM > 1 else ds.WindowCenter)
    w = float(ds.WindowWidth[0] if ds["WindowWidth"].VM > 1 else ds.WindowWidth)
    y = np.clip((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1) * 255.0
    expected = np.floor(y + 0.5).astype(np.uint8)
    for out in outputs:
        raw = os.path.join(out, name[:-4] + ".raw")
        got = np.fromfile(raw, dtype=np.uint8).reshape(expected.shape) if os.path.exists(raw) else np.asarray(Image.open(os.path.join(out, name[:-4] + ".png")))
        if got.shape != expected.shape or (got != expected).any():
            bad.append(os.path.join(os.path.basename(out), name))
print("mismatches: " + (", ".join(bad) if bad else "none"))
'@
    $script:compare = Join-Path $TestDrive 'compare.py'
    Set-Content -LiteralPath $compare -Value $script
}

Describe 'A series exported through pooled buffers' {
    It 'gives each display image its decoded frame on request, the stored values of the file' {
        $images = @(Get-ChildItem $series -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage -ThrottleLimit 2)
        $images.Count | Should -Be 8
        for ($i = 0; $i -lt 8; $i++) {
            $source = $images[$i].Source
            $source.Frame | Should -Be 0
            $source.Path | Should -Be $images[$i].Path
            # The phantom's own generator is the truth: the stored values it wrote for slice i * 40.
            $expected = $phantom::Render(256, $i * 40)
            [Linq.Enumerable]::SequenceEqual([ushort[]]$source.Pixels, [ushort[]]$expected) | Should -BeTrue -Because "slice $i"
        }
    }

    It 'writes the pixels pydicom renders, from headers and from rendered images alike' -Skip:(-not $HasPydicom) {
        $fromHeaders = Join-Path $TestDrive 'from-headers'
        $fromImages = Join-Path $TestDrive 'from-images'
        Get-ChildItem $series -Filter *.dcm | Get-DicomInfo | Export-DicomImage -OutputDirectory $fromHeaders -ThrottleLimit 2
        Get-ChildItem $series -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage -ThrottleLimit 2 | Export-DicomImage -OutputDirectory $fromImages -ThrottleLimit 2
        $result = & /usr/bin/python3 $compare $series $fromHeaders $fromImages 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($result -join "`n")
        $result | Should -Be 'mismatches: none'
    }

    It 'keeps the pixels of images held in a variable after Export-DicomImage gave their arrays back and others reused them' -Skip:(-not $HasPydicom) {
        $held = @(Get-ChildItem $series -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage -ThrottleLimit 2)
        $held | Export-DicomImage -OutputDirectory (Join-Path $TestDrive 'held-png') -ThrottleLimit 2
        # The arrays did go back (else this test would prove nothing) ...
        $packed = [DicomTools.DicomDisplayImage].GetProperty('PixelsPacked', [Reflection.BindingFlags]'Instance,NonPublic')
        @($held | Where-Object { $packed.GetValue($_) }).Count | Should -Be 8
        # ... and were reused for other pixels: the same slices under a bone window, rendered and written again.
        Get-ChildItem $series -Filter *.dcm | Get-DicomInfo | ConvertTo-WindowedImage -Preset Bone -ThrottleLimit 2 |
            Export-DicomImage -OutputDirectory (Join-Path $TestDrive 'bone-png') -ThrottleLimit 2
        $raw = Join-Path $TestDrive 'held-raw'
        New-Item -ItemType Directory -Path $raw | Out-Null
        foreach ($image in $held) { [IO.File]::WriteAllBytes((Join-Path $raw ([IO.Path]::GetFileNameWithoutExtension($image.Path) + '.raw')), $image.Pixels) }
        $result = & /usr/bin/python3 $compare $series $raw 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($result -join "`n")
        $result | Should -Be 'mismatches: none'
        # Read once, an image's array is its reader's: exporting it again leaves the same array in place.
        $first = $held[0].Pixels
        $held[0] | Export-DicomImage -OutputDirectory (Join-Path $TestDrive 'again') -ThrottleLimit 2
        [object]::ReferenceEquals($first, $held[0].Pixels) | Should -BeTrue
        $packed.GetValue($held[0]) | Should -BeFalse
    }

    It 'reports broken slices at ConvertTo-WindowedImage, naming each file in order, and writes every other slice' {
        $mixed = Join-Path $TestDrive 'mixed'
        New-Item -ItemType Directory -Path $mixed | Out-Null
        Copy-Item (Join-Path $series '*.dcm') $mixed
        foreach ($name in 'slice02.dcm', 'slice05.dcm') {
            # Cut into the pixel data: the header still reads, the frame cannot be decoded.
            $file = Join-Path $mixed $name
            $bytes = [IO.File]::ReadAllBytes($file)
            [IO.File]::WriteAllBytes($file, $bytes[0..($bytes.Length - 40001)])
        }
        $out = Join-Path $TestDrive 'mixed-png'
        Get-ChildItem $mixed -Filter *.dcm | Get-DicomInfo -WarningAction SilentlyContinue | ConvertTo-WindowedImage -ThrottleLimit 2 -ErrorVariable convertErrors -ErrorAction SilentlyContinue |
            Export-DicomImage -OutputDirectory $out -ThrottleLimit 2 -ErrorVariable exportErrors -ErrorAction SilentlyContinue
        $exportErrors.Count | Should -Be 0
        $convertErrors.Count | Should -Be 2
        $convertErrors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike '*,DicomTools.ConvertToWindowedImageCommand' }
        $convertErrors[0].ToString() | Should -BeLike '*slice02.dcm*'
        $convertErrors[1].ToString() | Should -BeLike '*slice05.dcm*'
        (Get-ChildItem $out -Filter *.png).Name | Should -Be @('slice00.png', 'slice01.png', 'slice03.png', 'slice04.png', 'slice06.png', 'slice07.png')
    }
}
