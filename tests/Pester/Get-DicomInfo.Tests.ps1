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
        $text | Should -Match 'Modality\s+PatientName\s+Series/Inst\s+Size\s+Frames\s+TransferSyntax\s+Name'
        $text | Should -Match 'CT\s+CompressedSam\S*\s+1/1\s+128x128\s+1\s+Explicit VR LE\s+pydicom__CT_small.dcm'
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

Describe 'Get-DicomInfo wildcard expansion' {
    BeforeAll {
        # Names that trip wildcard code: brackets, spaces, dot-files, case, unicode, digits, folders among files.
        $script:Root = Join-Path $TestDrive 'tree'
        $sample = Join-Path $TestDrive 'sample.dcm'
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($sample, 16, 0, '1.2.3', '1.2')
        $files = 'a.dcm', 'B.dcm', 'b.dcm', '_u.dcm', 'Z.dcm', '.dot.dcm', 'x y.dcm', 'k[1].dcm', 'é.dcm', 'e.dcm', '10.dcm',
            '9.dcm', 'Ab.x', 'aB.x', 'd1/x1.dcm', 'd1/.x2.dcm', 'd2x/x3.dcm', '.hid/x4.dcm', 'sp ace/x5.dcm', 'br[a]/x6.dcm',
            'd1/sub/x7.dcm', 'ü/x8.DCM'
        foreach ($name in $files) {
            $target = Join-Path $script:Root $name
            New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
            Copy-Item -LiteralPath $sample -Destination $target
        }
        New-Item -ItemType Directory -Path (Join-Path $script:Root 'dx.dcm') | Out-Null

        # What the cmdlet did, in order: each object's path, each error's target, as one list.
        function Get-ScanOrder([string]$Pattern) {
            Get-DicomInfo -Path $Pattern -ErrorAction Continue 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { "error:$($_.TargetObject)" } else { $_.Path }
            }
        }
        function Get-ProviderOrder([string]$Pattern) {
            $provider = $null
            $ExecutionContext.SessionState.Path.GetResolvedProviderPathFromPSPath($Pattern, [ref]$provider) | ForEach-Object {
                if (Test-Path -LiteralPath $_ -PathType Container) { "error:$_" } else { $_ }
            }
        }
    }

    It 'expands <Pattern> to what the FileSystem provider resolves, in its order' -TestCases @(
        @{ Pattern = '*' }, @{ Pattern = '*.DCM' }, @{ Pattern = '[ab]*.dcm' }, @{ Pattern = '?.dcm' }, @{ Pattern = 'k`[1`]*'; Empty = $true },
        @{ Pattern = 'd*/x*.dcm' }, @{ Pattern = '*/x*' }, @{ Pattern = '*/*/x*' }, @{ Pattern = 'sp ace/*' }, @{ Pattern = 'br`[a`]/*' },
        @{ Pattern = '[eé]*' }, @{ Pattern = 'd1/*' }, @{ Pattern = '*/sub/*' }, @{ Pattern = 'a*.x' }, @{ Pattern = './d?/../*.dcm' },
        @{ Pattern = '?/*.dcm' }, @{ Pattern = '*[0-9]*' }, @{ Pattern = '.hid/x*' }, @{ Pattern = 'd1/.x*'; Empty = $true }
    ) {
        param($Pattern, [switch]$Empty)
        Push-Location $script:Root
        try {
            $expected = @(Get-ProviderOrder $Pattern)
            # The provider matches nothing for an escape beside a wildcard; the cmdlet must not differ.
            if ($Empty) { $expected.Count | Should -Be 0 -Because "the provider resolves $Pattern to nothing" }
            else { $expected.Count | Should -BeGreaterThan 0 -Because "the tree is built so that $Pattern matches" }
            @(Get-ScanOrder $Pattern) | Should -Be $expected -Because "relative $Pattern"
            $absolute = Join-Path $script:Root $Pattern
            @(Get-ScanOrder $absolute) | Should -Be @(Get-ProviderOrder $absolute) -Because "absolute $absolute"
            @(Get-ScanOrder "FileSystem::$absolute") | Should -Be @(Get-ProviderOrder "FileSystem::$absolute") -Because 'provider-qualified'
        }
        finally { Pop-Location }
    }

    It 'leaves hidden files out as the provider does, matches nothing quietly, and reports a missing folder' {
        Push-Location $script:Root
        try {
            @(Get-ScanOrder '.*') | Should -Be @(Get-ProviderOrder '.*')
            @(Get-ScanOrder '*') | Should -Not -Contain (Join-Path $script:Root '.dot.dcm')
            $errors = $null
            @(Get-DicomInfo -Path 'none*' -ErrorVariable errors -ErrorAction SilentlyContinue).Count | Should -Be 0
            $errors.Count | Should -Be 0
            Get-DicomInfo -Path (Join-Path $TestDrive 'nothere/*.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,DicomTools.GetDicomInfoCommand'
        }
        finally { Pop-Location }
    }

    It 'reads relative paths from the current location as the provider resolves them, without asking it' {
        # Relative names skip the provider (it cost ten times a header read each); the files and the errors must be
        # exactly the provider's.
        Push-Location (Join-Path $script:Root 'd1')
        try {
            $relative = 'x1.dcm', './x1.dcm', 'sub/x7.dcm', '../a.dcm', '../d1/./sub/../x1.dcm', '../x y.dcm'
            $expected = $relative | ForEach-Object { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($_) }
            @(Get-DicomInfo -LiteralPath $relative).Path | Should -Be $expected
            @(Get-DicomInfo -Path $relative).Path | Should -Be $expected
            @($relative | Get-DicomInfo).Path | Should -Be $expected -Because 'piped strings bind to -Path'
            (Get-DicomInfo -Path '../k`[1`].dcm').Path | Should -Be (Join-Path $script:Root 'k[1].dcm') -Because 'escapes in -Path name the file literally'
            $errors = $null
            Get-DicomInfo -Path 'gone.dcm' -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,DicomTools.GetDicomInfoCommand'
            $errors[0].TargetObject | Should -Be (Join-Path $script:Root 'd1/gone.dcm') -Because 'the error names the full path'
        }
        finally { Pop-Location }
        Push-Location Env:
        try {
            $errors = $null
            Get-DicomInfo -Path 'PATH' -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -Be 'NotFileSystemPath,DicomTools.GetDicomInfoCommand' -Because 'relative to another provider, the provider decides'
        }
        finally { Pop-Location }
    }

    It 'still refuses wildcards on other providers' {
        $errors = $null
        Get-DicomInfo -Path 'Env:/PAT*' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'NotFileSystemPath,DicomTools.GetDicomInfoCommand'
    }
}

Describe 'Get-DicomInfo reads in parallel, writes in input order' -Skip:(-not $CorpusPresent) {
    BeforeAll {
        $good = Join-Path $CorpusDir 'pydicom__CT_small.dcm'
        $warns = Join-Path $CorpusDir 'pydicom__badVR.dcm'
        $bad = Join-Path $CorpusDir 'broken__not_dicom_text.dcm'
        $missing = Join-Path $TestDrive 'missing.dcm'
        $script:Inputs = foreach ($i in 1..12) { $good, $warns, $bad, $missing, $TestDrive, $good }

        # Objects, warnings and errors as one ordered list of "kind:file".
        function Get-Records([string[]]$Paths, [int]$Throttle, [switch]$Piped) {
            $records = if ($Piped) { $Paths | Get-DicomInfo -ThrottleLimit $Throttle -ErrorAction Continue 2>&1 3>&1 }
            else { Get-DicomInfo -LiteralPath $Paths -ThrottleLimit $Throttle -ErrorAction Continue 2>&1 3>&1 }
            $records | ForEach-Object {
                switch ($_) {
                    { $_ -is [System.Management.Automation.ErrorRecord] } { "error:$($_.TargetObject)"; break }
                    { $_ -is [System.Management.Automation.WarningRecord] } { 'warning:' + ($_.Message -split ': ')[0]; break }
                    default { "object:$($_.Path)" }
                }
            }
        }
    }

    It 'gives each input''s object, warnings and errors where a one-file run puts them (-ThrottleLimit <Throttle>)' -TestCases @(
        @{ Throttle = 1 }, @{ Throttle = 4 }, @{ Throttle = 16 }
    ) {
        param($Throttle)
        # The truth: each input read on its own, concatenated in input order. Folders are errors for arguments.
        $expected = foreach ($path in $script:Inputs) { Get-Records @($path) 1 }
        $records = @(Get-Records $script:Inputs $Throttle)
        $records | Should -Be @($expected)
        ($records -like 'warning:*').Count | Should -BeGreaterThan 0 -Because 'pydicom__badVR.dcm is read with warnings'
    }

    It 'keeps the order for paths piped one at a time, skipping folders quietly' {
        $expected = foreach ($path in $script:Inputs) { if ($path -ne $TestDrive) { Get-Records @($path) 1 } }
        @(Get-Records $script:Inputs 4 -Piped) | Should -Be @($expected)
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
