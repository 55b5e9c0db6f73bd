BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force

    function New-CtFile([string]$Path, [hashtable]$Text = @{}, [int]$Frames = 1) {
        if ($Frames -gt 1) { (Get-ModuleType DicomTools.Samples.CtPhantom)::WriteMultiFrame($Path, 32, $Frames); return }
        $w = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create(32, 0, $null, $null)
        foreach ($k in $Text.Keys) {
            $tag = [DicomTools.DicomTag]::new(0)
            $null = (Get-ModuleType DicomTools.Dicom.DicomDictionary)::TryGetTag($k, [ref]$tag)
            $null = $w.Add($tag, [DicomTools.DicomVR]::LO, $Text[$k])
        }
        $w.WriteFile($Path)
    }

    function Get-Signature([string]$Path) { [IO.File]::ReadAllBytes($Path)[0..11] }

    # PNG IHDR: bytes 24 (bit depth) and 25 (colour type), read straight from the file.
    function Get-PngHeader([string]$Path) {
        $b = [IO.File]::ReadAllBytes($Path)
        [pscustomobject]@{ BitDepth = $b[24]; ColourType = $b[25]; Width = [int]$b[16] * 16777216 + $b[17] * 65536 + $b[18] * 256 + $b[19] }
    }

    $source = Join-Path $TestDrive 'ct.dcm'
    New-CtFile $source
}

Describe 'Export-DicomImage' {
    BeforeEach { $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('n')); New-Item -ItemType Directory $out | Out-Null }

    It 'picks the format from the extension: <Extension>' -TestCases @(
        @{ Extension = '.png'; Magic = '137 80 78 71' }
        @{ Extension = '.jpg'; Magic = '255 216 255' }
        @{ Extension = '.jpeg'; Magic = '255 216 255' }
        @{ Extension = '.bmp'; Magic = '66 77' }
        @{ Extension = '.tif'; Magic = '73 73 42 0' }
        @{ Extension = '.webp'; Magic = '82 73 70 70' }
    ) {
        param($Extension, $Magic)
        $file = Join-Path $out "img$Extension"
        ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path $file
        ((Get-Signature $file)[0..($Magic.Split(' ').Count - 1)] -join ' ') | Should -Be $Magic
    }

    It 'lets -Format override the extension' {
        $file = Join-Path $out 'really-a-jpeg.png'
        ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path $file -Format Jpeg
        (Get-Signature $file)[0..1] -join ' ' | Should -Be '255 216'
    }

    It 'writes grey as 8-bit greyscale PNG (colour type 0), never RGBA' {
        $file = Join-Path $out 'grey.png'
        ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path $file
        $h = Get-PngHeader $file
        $h.ColourType | Should -Be 0
        $h.BitDepth | Should -Be 8
    }

    It 'writes -BitDepth 16 as 16-bit greyscale PNG of the windowed values' {
        $file = Join-Path $out 'grey16.png'
        Get-DicomPixelData -LiteralPath $source | Export-DicomImage -Path $file -BitDepth 16
        $h = Get-PngHeader $file
        $h.BitDepth | Should -Be 16
        $h.ColourType | Should -Be 0
    }

    It 'refuses -BitDepth 16 for formats that hold 8 bits' {
        { ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path (Join-Path $out 'x.jpg') -BitDepth 16 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BitDepthNotSupported,DicomTools.ExportDicomImageCommand'
    }

    It 'uses -Quality for JPEG' {
        $low = Join-Path $out 'q10.jpg'; $high = Join-Path $out 'q100.jpg'
        $phantom = Join-Path $TestDrive 'phantom512.dcm'
        if (-not (Test-Path $phantom)) { (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($phantom, 256, 0, $null, $null) }
        ConvertTo-WindowedImage -LiteralPath $phantom | Export-DicomImage -Path $low -Quality 10
        ConvertTo-WindowedImage -LiteralPath $phantom | Export-DicomImage -Path $high -Quality 100
        (Get-Item $low).Length | Should -BeLessThan (Get-Item $high).Length
    }

    It 'names outputs from header tokens, {BaseName} and {Frame}' {
        $file = Join-Path $TestDrive 'series.dcm'
        New-CtFile $file -Frames 3
        $written = Export-DicomImage -SourcePath $file -Path (Join-Path $out '{PatientID}/{BaseName}_{Frame}_{Modality}.png') -PassThru
        $written.Name | Should -Be @('series_0_CT.png', 'series_1_CT.png', 'series_2_CT.png')
        $written[0].Directory.Name | Should -Be 'PHANTOM-001'
    }

    It 'keeps hostile header values inside the folder the user named' {
        $evil = Join-Path $TestDrive 'evil.dcm'
        New-CtFile $evil -Text @{ PatientID = '../../../../tmp/escaped'; SeriesDescription = "CON" }
        $written = Export-DicomImage -SourcePath $evil -Path (Join-Path $out '{PatientID}_{SeriesDescription}.png') -PassThru
        $written.Directory.FullName | Should -Be (Get-Item $out).FullName
        $written.Name | Should -Not -Match '[\\/]'
    }

    It 'writes <base>.png into -OutputDirectory, with a frame suffix for multi-frame files' {
        $multi = Join-Path $TestDrive 'multi.dcm'
        if (-not (Test-Path $multi)) { New-CtFile $multi -Frames 2 }
        $written = @(Export-DicomImage -SourcePath $source, $multi -OutputDirectory $out -PassThru)
        $written.Name | Should -Be @('ct.png', 'multi_f0000.png', 'multi_f0001.png')
    }

    It 'never overwrites without -Force, and leaves the existing file as it was' {
        $file = Join-Path $out 'keep.png'
        Set-Content -LiteralPath $file -Value 'precious'
        $errors = $null
        ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'OutputExists,DicomTools.ExportDicomImageCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -LiteralPath $file | Should -Be 'precious'
        ConvertTo-WindowedImage -LiteralPath $source | Export-DicomImage -Path $file -Force
        (Get-Signature $file)[0..3] -join ' ' | Should -Be '137 80 78 71'
    }

    It 'writes nothing with -WhatIf' {
        Export-DicomImage -SourcePath $source -OutputDirectory $out -WhatIf
        @(Get-ChildItem $out -Force).Count | Should -Be 0
    }

    It 'returns FileInfo objects with -PassThru and nothing without' {
        Export-DicomImage -SourcePath $source -OutputDirectory $out | Should -BeNullOrEmpty
        $info = Export-DicomImage -SourcePath $source -Path (Join-Path $out 'p.png') -PassThru
        $info | Should -BeOfType System.IO.FileInfo
        $info.Exists | Should -BeTrue
    }

    It 'leaves no temporary files behind' {
        1..5 | ForEach-Object { Join-Path $TestDrive "t$_.dcm" } | ForEach-Object { if (-not (Test-Path $_)) { New-CtFile $_ }; $_ } |
            Export-DicomImage -OutputDirectory $out
        @(Get-ChildItem $out -Force | Where-Object Name -like '.*').Count | Should -Be 0
        @(Get-ChildItem $out).Count | Should -Be 5
    }

    It 'keeps output order across parallel workers' {
        $files = 1..16 | ForEach-Object { $p = Join-Path $TestDrive "o$_.dcm"; if (-not (Test-Path $p)) { New-CtFile $p }; $p }
        $written = $files | Export-DicomImage -OutputDirectory $out -ThrottleLimit 4 -PassThru
        $written.BaseName | Should -Be ($files | ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) })
    }

    It 'reports a bad file and exports the rest' {
        $bad = Join-Path $TestDrive 'bad.dcm'
        Set-Content -LiteralPath $bad -Value 'not dicom at all'
        $errors = $null
        $written = @($bad, $source | Export-DicomImage -OutputDirectory $out -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue)
        $written.Name | Should -Be @('ct.png')
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be $bad
    }

    It 'refuses a call without -Path or -OutputDirectory' {
        { Export-DicomImage -SourcePath $source -ErrorAction Stop } | Should -Throw -ErrorId 'OutputNotSpecified,DicomTools.ExportDicomImageCommand'
    }

    It 'refuses an unknown token before reading anything' {
        { Export-DicomImage -SourcePath $source -Path (Join-Path $out '{NoSuchKeyword}.png') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOutputTemplate,DicomTools.ExportDicomImageCommand'
    }
}

Describe 'The one-line pipeline from header inspection to window choice' {
    It 'exports the CT slices with the chosen stored window' {
        $dir = Join-Path $TestDrive 'scans'
        New-Item -ItemType Directory $dir -Force | Out-Null
        Copy-Item $source (Join-Path $dir 'a.dcm')
        $out = Join-Path $TestDrive 'png'
        $written = Get-DicomInfo (Join-Path $dir '*.dcm') | Where-Object Modality -eq CT |
            ConvertTo-WindowedImage -WindowIndex 1 | Export-DicomImage -Path (Join-Path $out '{SeriesNumber}_{InstanceNumber:0000}.png') -PassThru
        $written.Name | Should -Be '1_0001.png'
    }
}
