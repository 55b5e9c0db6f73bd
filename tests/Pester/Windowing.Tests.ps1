BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force

    # A 64x64 ramp of stored values 0..4095 (12 bits in 16, unsigned), Rescale Intercept -1024, two stored windows.
    function New-RampFile([string]$Path, [string]$Photometric = 'MONOCHROME2', [string]$Function = $null) {
        $pixels = [ushort[]]::new(64 * 64)
        for ($i = 0; $i -lt $pixels.Length; $i++) { $pixels[$i] = [ushort]($i) }
        $tags = (Get-ModuleType DicomTools.Dicom.DicomTags)
        $vr = [DicomTools.DicomVR]
        $w = [Activator]::CreateInstance((Get-ModuleType DicomTools.Dicom.DicomWriter))
        $null = $w.Add($tags::SOPClassUID, $vr::UI, '1.2.840.10008.5.1.4.1.1.2').Add($tags::Modality, $vr::CS, 'CT').
            Add($tags::SamplesPerPixel, [ushort]1).Add($tags::PhotometricInterpretation, $vr::CS, $Photometric).
            Add($tags::Rows, [ushort]64).Add($tags::Columns, [ushort]64).Add($tags::BitsAllocated, [ushort]16).
            Add($tags::BitsStored, [ushort]12).Add($tags::HighBit, [ushort]11).Add($tags::PixelRepresentation, [ushort]0).
            Add($tags::RescaleIntercept, $vr::DS, [double[]]@(-1024)).Add($tags::RescaleSlope, $vr::DS, [double[]]@(1)).
            Add($tags::WindowCenter, $vr::DS, [double[]]@(40, -600)).Add($tags::WindowWidth, $vr::DS, [double[]]@(400, 1500)).
            Add($tags::WindowCenterWidthExplanation, $vr::LO, 'SOFT\LUNG').AddPixelData($pixels)
        if ($Function) { $null = $w.Add($tags::VOILUTFunction, $vr::CS, $Function) }
        $w.WriteFile($Path)
    }

    # PS3.3 C.11.2.1.2 (LINEAR) with ymin 0, ymax 255, then floor(x + 0.5): written here independently of the module.
    function Get-LinearLevel([double]$x, [double]$c, [double]$w) {
        if ($x -le $c - 0.5 - ($w - 1) / 2) { return 0 }
        if ($x -gt $c - 0.5 + ($w - 1) / 2) { return 255 }
        [math]::Floor((($x - ($c - 0.5)) / ($w - 1) + 0.5) * 255 + 0.5)
    }
    # C.11.2.1.3: LINEAR_EXACT and SIGMOID.
    function Get-LinearExactLevel([double]$x, [double]$c, [double]$w) {
        if ($x -le $c - $w / 2) { return 0 }
        if ($x -gt $c + $w / 2) { return 255 }
        [math]::Floor((($x - $c) / $w + 0.5) * 255 + 0.5)
    }
    function Get-SigmoidLevel([double]$x, [double]$c, [double]$w) {
        [math]::Floor(255 / (1 + [math]::Exp(-4 * ($x - $c) / $w)) + 0.5)
    }

    function Assert-Levels($Image, [scriptblock]$Expected) {
        $bad = 0; $first = $null
        for ($i = 0; $i -lt $Image.Pixels.Length; $i++) {
            $e = & $Expected ($i - 1024)
            if ($Image.Pixels[$i] -ne $e) { $bad++; if ($null -eq $first) { $first = "stored $i -> $($Image.Pixels[$i]), expected $e" } }
        }
        $bad | Should -Be 0 -Because "every level follows the standard's formula ($first)"
    }

    $ramp = Join-Path $TestDrive 'ramp.dcm'
    New-RampFile $ramp
}

Describe 'ConvertTo-WindowedImage on a synthetic ramp (independent formulas)' {
    It 'uses the first stored window by default and records it' {
        $image = ConvertTo-WindowedImage -LiteralPath $ramp
        $image.WindowCenter | Should -Be 40
        $image.WindowWidth | Should -Be 400
        $image.VoiFunction | Should -Be 'LINEAR'
        $image.VoiSource | Should -Match 'SOFT'
        $image.Path | Should -Be $ramp
        Assert-Levels $image { param($hu) Get-LinearLevel $hu 40 400 }
    }

    It 'uses the second stored window with -WindowIndex 1' {
        $image = ConvertTo-WindowedImage -LiteralPath $ramp -WindowIndex 1
        $image.WindowCenter | Should -Be -600
        Assert-Levels $image { param($hu) Get-LinearLevel $hu -600 1500 }
    }

    It 'applies an explicit -Center/-Width' {
        Assert-Levels (ConvertTo-WindowedImage -LiteralPath $ramp -Center 100 -Width 2) { param($hu) Get-LinearLevel $hu 100 2 }
        Assert-Levels (ConvertTo-WindowedImage -LiteralPath $ramp -Center 100 -Width 1) { param($hu) Get-LinearLevel $hu 100 1 }
    }

    It 'applies presets by name with their published center and width' -TestCases @(
        @{ Name = 'Lung'; C = -600; W = 1500 }, @{ Name = 'Brain'; C = 40; W = 80 }, @{ Name = 'Bone'; C = 400; W = 1800 }
    ) {
        param($Name, $C, $W)
        $image = ConvertTo-WindowedImage -LiteralPath $ramp -Preset $Name
        $image.VoiSource | Should -Be "preset $Name"
        Assert-Levels $image { param($hu) Get-LinearLevel $hu $C $W }
    }

    It 'applies LINEAR_EXACT and SIGMOID, from -Function or from the file' {
        Assert-Levels (ConvertTo-WindowedImage -LiteralPath $ramp -Function LinearExact) { param($hu) Get-LinearExactLevel $hu 40 400 }
        Assert-Levels (ConvertTo-WindowedImage -LiteralPath $ramp -Function Sigmoid) { param($hu) Get-SigmoidLevel $hu 40 400 }
        $sigmoidFile = Join-Path $TestDrive 'sigmoid.dcm'
        New-RampFile $sigmoidFile -Function 'SIGMOID'
        $image = ConvertTo-WindowedImage -LiteralPath $sigmoidFile
        $image.VoiFunction | Should -Be 'SIGMOID'
        Assert-Levels $image { param($hu) Get-SigmoidLevel $hu 40 400 }
    }

    It 'maps min to black and max to white with -AutoWindow MinMax' {
        $image = ConvertTo-WindowedImage -LiteralPath $ramp -AutoWindow MinMax
        $image.Pixels[0] | Should -Be 0
        $image.Pixels[-1] | Should -Be 255
        # DCMTK's min-max window: center (min+max+1)/2, width max-min+1 over the modality values.
        $image.WindowCenter | Should -Be ((-1024 + 3071 + 1) / 2)
        $image.WindowWidth | Should -Be (3071 + 1024 + 1)
    }

    It 'windows between percentiles with -AutoWindow Percentile' {
        $image = ConvertTo-WindowedImage -LiteralPath $ramp -AutoWindow Percentile -Percentile 10, 90
        # A uniform ramp of 4096 values: the 10th and 90th percentiles lie at 10% and 90% of the range.
        $low = -1024 + 0.1 * 4095; $high = -1024 + 0.9 * 4095
        $image.Pixels[409] | Should -Be 0
        $image.Pixels[3700] | Should -Be 255
        $image.WindowCenter | Should -BeGreaterThan ($low + 1)
        $image.WindowCenter | Should -BeLessThan ($high)
    }

    It 'inverts MONOCHROME1, and -Invert flips that' {
        $mono1 = Join-Path $TestDrive 'mono1.dcm'
        New-RampFile $mono1 -Photometric 'MONOCHROME1'
        $inverted = ConvertTo-WindowedImage -LiteralPath $mono1
        $inverted.Inverted | Should -BeTrue
        Assert-Levels $inverted { param($hu) 255 - (Get-LinearLevel $hu 40 400) }
        $flipped = ConvertTo-WindowedImage -LiteralPath $mono1 -Invert
        $flipped.Inverted | Should -BeFalse
        Assert-Levels $flipped { param($hu) Get-LinearLevel $hu 40 400 }
    }

    It 'refuses contradicting window choices as a usage error' {
        { ConvertTo-WindowedImage -LiteralPath $ramp -WindowIndex 0 -Preset Lung -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidWindowChoice,DicomTools.ConvertToWindowedImageCommand'
        { ConvertTo-WindowedImage -LiteralPath $ramp -Center 40 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidWindowChoice,DicomTools.ConvertToWindowedImageCommand'
        { ConvertTo-WindowedImage -LiteralPath $ramp -Preset Nope -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidWindowChoice,DicomTools.ConvertToWindowedImageCommand'
    }

    It 'reports a window index the file does not have, per file' {
        $errors = $null
        ConvertTo-WindowedImage -LiteralPath $ramp -WindowIndex 5 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'InvalidDisplaySettings,DicomTools.ConvertToWindowedImageCommand'
        $errors[0].ToString() | Should -Match 'window index 5'
    }

    It 'takes pixel data, DicomInfo objects and paths from the pipeline' {
        (Get-DicomPixelData -LiteralPath $ramp | ConvertTo-WindowedImage).WindowCenter | Should -Be 40
        (Get-DicomInfo -LiteralPath $ramp | ConvertTo-WindowedImage -WindowIndex 1).WindowCenter | Should -Be -600
        ($ramp | ConvertTo-WindowedImage).WindowCenter | Should -Be 40
        (Get-Item -LiteralPath $ramp | ConvertTo-WindowedImage).WindowCenter | Should -Be 40
    }

    It 'keeps input order with many inputs rendered in parallel' {
        $files = 1..12 | ForEach-Object { $p = Join-Path $TestDrive "order$_.dcm"; New-RampFile $p; $p }
        $paths = ($files | ConvertTo-WindowedImage -ThrottleLimit 4).Path
        $paths | Should -Be $files
    }

    It 'tab-completes -Preset names' {
        $line = 'ConvertTo-WindowedImage -Preset Lu'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'Lung'
        $line = 'ConvertTo-WindowedImage -Preset '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count | Should -Be 10
    }
}
