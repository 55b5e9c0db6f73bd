BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $manifest = Get-CorpusManifest
    $readable = @($manifest | Where-Object { $_.file -notlike 'broken__*' } | ForEach-Object { @{ File = $_.file; Row = $_ } })
    $broken = @($manifest | Where-Object { $_.file -like 'broken__*' } | ForEach-Object { @{ File = $_.file } })
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $script:ModulePath -Force

    # MANIFEST.tsv marks where a value came from: "(FG)" functional groups, "(dcmdump)" when pydicom failed.
    # Those marks are provenance, not part of the value.
    function ConvertFrom-ManifestValue([string]$Text) {
        $Text -replace '\s*\((FG|dcmdump)\)$', ''
    }

    function Assert-ManifestNumber($Actual, [string]$Expected, [string]$What) {
        $e = ConvertFrom-ManifestValue $Expected
        if ($e -eq '(empty)') { $Actual | Should -BeNullOrEmpty -Because "$What is present but empty in the file"; return }
        $parts = @($e -split '\\' | ForEach-Object { [double]::Parse($_, [Globalization.CultureInfo]::InvariantCulture) })
        $values = @($Actual)
        $values.Count | Should -Be $parts.Count -Because "$What has $($parts.Count) value(s)"
        for ($i = 0; $i -lt $parts.Count; $i++) {
            [math]::Abs([double]$values[$i] - $parts[$i]) | Should -BeLessOrEqual (1e-9 * [math]::Max(1, [math]::Abs($parts[$i]))) -Because "$What value $i"
        }
    }
}

Describe 'Get-DicomInfo over the shared corpus' -Skip:(-not $CorpusPresent) {
    # A corpus test over zero files would pass without testing anything: the case lists must not be empty.
    It 'finds readable and broken files in MANIFEST.tsv' -TestCases @{ Readable = $readable.Count; Broken = $broken.Count } {
        param($Readable, $Broken)
        $Readable | Should -BeGreaterThan 100
        $Broken | Should -BeGreaterThan 10
    }

    It 'reads <File> and agrees with MANIFEST.tsv (pydicom)' -TestCases $readable {
        param($File, $Row)
        $info = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir $File) -WarningAction SilentlyContinue -ErrorAction Stop
        $info | Should -Not -BeNullOrEmpty
        $info.Path | Should -Be (Join-Path $CorpusDir $File)

        $ts = ConvertFrom-ManifestValue $Row.transfer_syntax_uid
        if ($ts -like '(none*') { $info.TransferSyntaxUID | Should -BeNullOrEmpty }
        elseif ($ts) { $info.TransferSyntaxUID | Should -Be $ts }

        foreach ($pair in @(
                @('modality', 'Modality'), @('photometric_interpretation', 'PhotometricInterpretation'),
                @('voi_lut_function', 'VOILUTFunction'), @('presentation_lut_shape', 'PresentationLUTShape'))) {
            $expected = ConvertFrom-ManifestValue $Row.($pair[0])
            if ($expected -eq '(empty)') { $info.($pair[1]) | Should -BeNullOrEmpty }
            elseif ($expected) { $info.($pair[1]) | Should -Be $expected -Because $pair[1] }
        }
        foreach ($pair in @(
                @('rows', 'Rows'), @('columns', 'Columns'), @('bits_allocated', 'BitsAllocated'), @('bits_stored', 'BitsStored'),
                @('pixel_representation', 'PixelRepresentation'), @('samples_per_pixel', 'SamplesPerPixel'),
                @('planar_configuration', 'PlanarConfiguration'), @('rescale_slope', 'RescaleSlope'),
                @('rescale_intercept', 'RescaleIntercept'), @('window_center', 'WindowCenter'), @('window_width', 'WindowWidth'))) {
            if ($Row.($pair[0])) { Assert-ManifestNumber $info.($pair[1]) $Row.($pair[0]) $pair[1] }
        }
        if ($Row.frames -eq '1A') {
            # Our rule: an unparsable Number of Frames counts as one frame, with a warning.
            $info.NumberOfFrames | Should -Be 1
            $info.Warnings -join ' ' | Should -Match 'Number of Frames'
        }
        elseif ($Row.frames) { $info.NumberOfFrames | Should -Be ([int](ConvertFrom-ManifestValue $Row.frames)) }
        else { $info.NumberOfFrames | Should -Be 1 -Because 'an absent Number of Frames means one frame' }
    }

    It 'gives an object or a clean DicomReadError for <File>, never a crash' -TestCases $broken {
        param($File)
        $errors = $null
        $result = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir $File) -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        if ($errors.Count -gt 0) {
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'DicomReadError,DicomTools.GetDicomInfoCommand'
            $errors[0].TargetObject | Should -Be (Join-Path $CorpusDir $File)
            $errors[0].ToString() | Should -BeLike "*$File*"
            $result | Should -BeNullOrEmpty
        }
        else {
            $result | Should -BeOfType DicomTools.DicomInfo
        }
    }

    It 'goes on with the next file after each broken one' {
        $files = Get-ChildItem $CorpusDir -Filter 'broken__*.dcm' | ForEach-Object { $_; Get-Item (Join-Path $CorpusDir 'pydicom__CT_small.dcm') }
        $errors = $null
        $infos = $files | Get-DicomInfo -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($infos | Where-Object Name -eq 'pydicom__CT_small.dcm').Count | Should -Be @($files | Where-Object Name -eq 'pydicom__CT_small.dcm').Count
        $errors.Count | Should -BeGreaterThan 5
    }

    It 'streams FileInfo objects from Get-ChildItem' {
        $count = @(Get-ChildItem $CorpusDir -Filter 'cswado__*.dcm').Count
        $count | Should -BeGreaterThan 0
        @(Get-ChildItem $CorpusDir -Filter 'cswado__*.dcm' | Get-DicomInfo -WarningAction SilentlyContinue).Count | Should -Be $count
    }

    It 'expands wildcards in -Path' {
        @(Get-DicomInfo -Path (Join-Path $CorpusDir 'pydicom__MR_small*.dcm')).Count |
            Should -Be @(Get-ChildItem $CorpusDir -Filter 'pydicom__MR_small*.dcm').Count
    }

    It 'reaches any element by keyword or tag, in any tag spelling' {
        $info = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir 'pydicom__CT_small.dcm')
        $info['PatientName'].ToString() | Should -Be 'CompressedSamples^CT1'
        $info['0010,0010'].ToString() | Should -Be 'CompressedSamples^CT1'
        $info['(0010,0010)'].ToString() | Should -Be 'CompressedSamples^CT1'
        $info['00100010'].ToString() | Should -Be 'CompressedSamples^CT1'
        $info['TransferSyntaxUID'] | Should -Be '1.2.840.10008.1.2.1'
        $info['NoSuchKeyword'] | Should -BeNullOrEmpty
    }

    It 'types values: PN with components, dates, numbers, UIDs named' {
        $info = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir 'pydicom__CT_small.dcm')
        $info.PatientName | Should -BeOfType DicomTools.DicomPersonName
        $info.PatientName.FamilyName | Should -Be 'CompressedSamples'
        $info.PatientName.GivenName | Should -Be 'CT1'
        $info.StudyDate | Should -BeOfType datetime
        $info.StudyDate | Should -Be ([datetime]'2004-01-19')
        $info.Rows | Should -Be 128
        $info.SOPClassName | Should -Be 'CT Image Storage'
        $info.TransferSyntaxName | Should -Be 'Explicit VR Little Endian'
    }

    It 'lists elements with nested sequences' {
        $info = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir 'pydicom__CT_small.dcm')
        $sequence = $info.Elements | Where-Object { $_.Tag.ToString() -eq '(0010,1002)' }
        $sequence.Keyword | Should -Be 'OtherPatientIDsSequence'
        $sequence.Items.Count | Should -Be 2
        $sequence.Items[0].Find('PatientID').Value | Should -Not -BeNullOrEmpty
        ($info.Elements | Where-Object Keyword -eq 'PixelData').IsValueLoaded | Should -BeFalse -Because 'headers never read pixel data'
    }

    It 'gives $null for absent attributes, never 0 or empty' {
        $info = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir 'cswado__no-pixel-data.dcm')
        $info.Rows | Should -BeNullOrEmpty
        $info.WindowCenter | Should -BeNullOrEmpty
        $info.HasPixelData | Should -BeFalse
        $info.NumberOfFrames | Should -Be 1
    }

    It 'shows a compact table by default' {
        $text = Get-DicomInfo -LiteralPath (Join-Path $CorpusDir 'pydicom__CT_small.dcm') | Out-String -Width 200
        $text | Should -Match 'Name\s+Modality\s+PatientName\s+Series/Inst\s+Size\s+Frames\s+TransferSyntax'
        $text | Should -Match 'pydicom__CT_small.dcm\s+CT\s+CompressedSamples\^CT1'
        $text | Should -Match '128x128'
    }
}

Describe 'Get-DicomInfo path handling' {
    It 'reports a missing literal path as ObjectNotFound' {
        $errors = $null
        Get-DicomInfo -LiteralPath (Join-Path $TestDrive 'nope.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,DicomTools.GetDicomInfoCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a missing -Path as ObjectNotFound' {
        $errors = $null
        Get-DicomInfo -Path (Join-Path $TestDrive 'missing.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses paths on other providers' {
        $errors = $null
        Get-DicomInfo -LiteralPath 'Env:\PATH' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'NotFileSystemPath,DicomTools.GetDicomInfoCommand'
    }

    It 'refuses a directory with a hint' {
        $errors = $null
        Get-DicomInfo -LiteralPath $TestDrive -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'PathIsDirectory,DicomTools.GetDicomInfoCommand'
    }

    It 'reports a non-DICOM file with the file name, offset and problem' {
        $file = Join-Path $TestDrive 'notes.txt'
        Set-Content -Path $file -Value ('hello ' * 40)
        $errors = $null
        Get-DicomInfo -LiteralPath $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'DicomReadError,DicomTools.GetDicomInfoCommand'
        $errors[0].ToString() | Should -Match ([regex]::Escape($file))
        $errors[0].ToString() | Should -Match "'DICM'"
    }

    It 'reads a literal path holding wildcard characters' -Skip:(-not $CorpusPresent) {
        $odd = Join-Path $TestDrive 'scan [1].dcm'
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'pydicom__CT_small.dcm') -Destination $odd
        (Get-DicomInfo -LiteralPath $odd).Modality | Should -Be 'CT'
        (Get-Item -LiteralPath $odd | Get-DicomInfo).Modality | Should -Be 'CT'
        (Get-DicomInfo -Path ($odd -replace '\[', '`[' -replace '\]', '`]')).Modality | Should -Be 'CT' -Because 'escaped wildcard characters in -Path name the file literally'
    }
}

Describe 'Get-DicomInfo on files real scanners got wrong' {
    BeforeAll {
        $faults = Join-Path $PSScriptRoot '../fixtures/faults'
    }

    It 'lists the elements after Pixel Data by tag' {
        $info = Get-DicomInfo -LiteralPath (Join-Path $faults 'trailing.native.dcm')
        $info['E029,1001'] | Should -Be 'after the image'
        $info['(FFFC,FFFC)'] | Should -Not -BeNullOrEmpty
        @($info.Elements | Where-Object { $_.Tag.Group -eq 0xFFFA }).Count | Should -Be 1
    }

    It 'keeps an Instance Number past the IS range as a long that sorts with the others' {
        $long = Get-DicomInfo -LiteralPath (Join-Path $faults 'islong.dcm')
        $small = Get-DicomInfo -LiteralPath (Join-Path $faults 'novr.dcm') -WarningAction SilentlyContinue
        $long.InstanceNumber | Should -Be 1160501010100
        $long.InstanceNumber | Should -BeOfType [long]
        $small.InstanceNumber | Should -BeOfType [long]
        $long.Warnings | Should -Match 'outside the 32-bit range of IS'
        @($long, $small | Sort-Object InstanceNumber | ForEach-Object Name) | Should -Be @('novr.dcm', 'islong.dcm')
        @($long, $small | Where-Object InstanceNumber -eq 1).Count | Should -Be 1
    }
}
