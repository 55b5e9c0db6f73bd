# Hostile input and safe output: header text cannot drive the terminal, header values cannot steer output paths,
# limits hold whatever a header claims, and nothing the user had is lost (stopped runs, concurrent runs).

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $tags = (Get-ModuleType DicomTools.Dicom.DicomTags)
    $vr = [DicomTools.DicomVR]
    $esc = [char]0x1B
    $bel = [char]0x07

    function New-Phantom([string]$Path, [int]$Size = 32, [hashtable]$Text = @{}) {
        $w = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create($Size, 0, $null, $null)
        foreach ($k in $Text.Keys) {
            $tag = [DicomTools.DicomTag]::new(0)
            $null = (Get-ModuleType DicomTools.Dicom.DicomDictionary)::TryGetTag($k, [ref]$tag)
            $entry = (Get-ModuleType DicomTools.Dicom.DicomDictionary)::Lookup($tag)
            $null = $w.Add($tag, $entry.ValueRepresentations[0], $Text[$k])
        }
        $w.WriteFile($Path)
    }

    # A PNG is complete when it ends with the IEND chunk (PNG spec 5.6).
    function Test-CompletePng([string]$Path) {
        $b = [IO.File]::ReadAllBytes($Path)
        $b.Length -gt 20 -and [Text.Encoding]::ASCII.GetString($b, $b.Length - 8, 4) -eq 'IEND'
    }

    # Explicit VR little endian bytes: meta, then $Depth nested undefined-length sequences, each in an undefined item.
    function New-NestedFile([string]$Path, [int]$Depth) {
        $ms = [IO.MemoryStream]::new()
        $bw = [IO.BinaryWriter]::new($ms)
        $bw.Write([byte[]]::new(128)); $bw.Write([Text.Encoding]::ASCII.GetBytes('DICM'))
        $ts = [Text.Encoding]::ASCII.GetBytes("1.2.840.10008.1.2.1`0")
        $bw.Write([uint16]2); $bw.Write([uint16]0x10); $bw.Write([Text.Encoding]::ASCII.GetBytes('UI')); $bw.Write([uint16]$ts.Length); $bw.Write($ts)
        $bw.Write([uint16]8); $bw.Write([uint16]0x60); $bw.Write([Text.Encoding]::ASCII.GetBytes('CS')); $bw.Write([uint16]2); $bw.Write([Text.Encoding]::ASCII.GetBytes('OT'))
        for ($i = 0; $i -lt $Depth; $i++) {
            $bw.Write([uint16]8); $bw.Write([uint16]0x1115); $bw.Write([Text.Encoding]::ASCII.GetBytes('SQ')); $bw.Write([uint16]0); $bw.Write([uint32]::MaxValue)
            $bw.Write([uint16]0xFFFE); $bw.Write([uint16]0xE000); $bw.Write([uint32]::MaxValue)
        }
        [IO.File]::WriteAllBytes($Path, $ms.ToArray())
    }
}

Describe 'Header text cannot drive the terminal' {
    BeforeAll {
        $evil = Join-Path $TestDrive 'evil.dcm'
        New-Phantom $evil -Text @{
            PatientName                  = "Evil${esc}[31mRed${esc}]0;owned${bel}^Name"
            StudyDescription             = "clear${esc}[2J${esc}[Hscreen"
            WindowCenterWidthExplanation = "SOFT${esc}[5m\LUNG"
            SeriesDescription            = "bidi`u{202E}gnp.exe"
        }
    }

    It 'escapes control characters in the default table and list views' {
        $info = Get-DicomInfo -LiteralPath $evil
        foreach ($text in ($info | Out-String -Width 300), ($info | Format-List | Out-String -Width 300)) {
            $text | Should -Not -Match "[\x00-\x08\x0B-\x1F\x7F\u202A-\u202E]"
            $text | Should -Match ([regex]::Escape('Evil\x1B[31mRed'))
        }
        ($info | Format-List | Out-String -Width 300) | Should -Match ([regex]::Escape('clear\x1B[2J'))
    }

    It 'escapes them in the element table, ToString() and the other cmdlets'' views' {
        $info = Get-DicomInfo -LiteralPath $evil
        ($info.Elements | Out-String -Width 300) | Should -Not -Match "[\x00-\x08\x0B-\x1F\x7F]"
        $info.PatientName.ToString() | Should -Not -Match "[\x00-\x1F]"
        $image = ConvertTo-WindowedImage -LiteralPath $evil
        $image.VoiSource | Should -Match "\x1B" -Because 'the raw explanation stays reachable'
        ($image | Out-String -Width 300) | Should -Not -Match "[\x00-\x08\x0B-\x1F\x7F]"
        $image.ToString() | Should -Not -Match "[\x00-\x1F]"
    }

    It 'escapes them in the list views of pixel data and display images' {
        $px = Get-DicomPixelData -LiteralPath $evil
        ($px | Format-List | Out-String -Width 300) | Should -Not -Match "[\x00-\x08\x0B-\x1F\x7F]"
        ($px | ConvertTo-WindowedImage | Format-List | Out-String -Width 300) | Should -Not -Match "[\x00-\x08\x0B-\x1F\x7F]"
    }

    It 'keeps the raw values reachable for scripts' {
        $info = Get-DicomInfo -LiteralPath $evil
        $info.PatientName.Value | Should -BeExactly "Evil${esc}[31mRed${esc}]0;owned${bel}^Name"
        $info.StudyDescription | Should -BeExactly "clear${esc}[2J${esc}[Hscreen"
    }
}

Describe 'Limits that hold whatever the header claims' {
    It 'refuses 20 000 nested sequences with a read error, not a crash' {
        $nested = Join-Path $TestDrive 'nested.dcm'
        New-NestedFile $nested 20000
        $errors = $null
        Get-DicomInfo -LiteralPath $nested -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -Be 'DicomReadError,DicomTools.GetDicomInfoCommand'
        $errors[0].ToString() | Should -Match 'nested deeper than'
    }

    It 'costs one or two error lines, not one per claimed frame, when Number of Frames lies' {
        $liar = Join-Path $TestDrive 'liar.dcm'
        $w = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create(16, 0, $null, $null)
        $null = $w.Add($tags::NumberOfFrames, $vr::IS, '2147483647')
        $w.WriteFile($liar)
        $errors = $null
        $frames = @(Get-DicomPixelData -LiteralPath $liar -ErrorVariable errors -ErrorAction SilentlyContinue)
        $frames.Count | Should -Be 1
        $errors.Count | Should -BeLessOrEqual 2
        ($errors | Out-String) | Should -Match 'the header states 2147483647 frame'
        $errors = $null
        @(Export-DicomImage -SourcePath $liar -OutputDirectory (Join-Path $TestDrive 'liar') -PassThru -ErrorVariable errors -ErrorAction SilentlyContinue).Count | Should -Be 1
        $errors.Count | Should -BeLessOrEqual 2
    }

    It 'refuses a frame larger than -MaxImageBytes before allocating it, and lets the user raise the limit' {
        $big = Join-Path $TestDrive 'claims-huge.dcm'
        $w = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create(16, 0, $null, $null)
        $null = $w.Add($tags::Rows, [uint16]65535).Add($tags::Columns, [uint16]65535)
        $w.WriteFile($big)
        $errors = $null
        Get-DicomPixelData -LiteralPath $big -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].ToString() | Should -Match 'above the limit of 536870912'
        $errors = $null
        Get-DicomPixelData -LiteralPath $big -MaxImageBytes 10GB -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].ToString() | Should -Match 'needs bytes .* holds only' -Because 'past the limit check, the missing data is the problem'
        $errors = $null
        Get-DicomPixelData -LiteralPath (Join-Path $TestDrive 'small.dcm' | ForEach-Object { New-Phantom $_ 64; $_ }) -MaxImageBytes 1000 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].ToString() | Should -Match 'above the limit of 1000'
    }
}

Describe 'Output paths made from header values stay inside the folder the user named' {
    It 'sanitises <Value>' -TestCases @(
        @{ Value = '../../../../tmp/escaped' }, @{ Value = '/etc/passwd' }, @{ Value = 'C:\Windows\win.ini' },
        @{ Value = '..' }, @{ Value = '~' }, @{ Value = '~/escaped' }, @{ Value = 'CON' }, @{ Value = 'NUL.txt' }, @{ Value = 'a/b\c' }, @{ Value = "tab`there" }, @{ Value = '' }
    ) {
        param($Value)
        $source = Join-Path $TestDrive ("src{0}.dcm" -f [guid]::NewGuid().ToString('n'))
        New-Phantom $source -Text @{ PatientID = $Value }
        $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $written = Export-DicomImage -SourcePath $source -Path (Join-Path $out '{PatientID}.png') -PassThru
        $written.Directory.FullName | Should -Be ([IO.Path]::GetFullPath($out))
        $written.BaseName | Should -Not -BeIn @('CON', 'NUL', '..', '.', '', '~')
    }

    It 'refuses an output path on another provider' {
        $source = Join-Path $TestDrive 'provider.dcm'
        New-Phantom $source
        $errors = $null
        Export-DicomImage -SourcePath $source -Path 'Env:/dicomtools-test.png' -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'NotFileSystemPath,DicomTools.ExportDicomImageCommand'
        Test-Path 'Env:/dicomtools-test.png' | Should -BeFalse
    }
}

Describe 'Nothing is lost' {
    BeforeAll {
        $series = Join-Path $TestDrive 'series'
        New-Item -ItemType Directory $series | Out-Null
        1..40 | ForEach-Object { New-Phantom (Join-Path $series ('s{0:d3}.dcm' -f $_)) 256 }
    }

    It 'leaves only complete images and no temporary files when stopped (Ctrl+C)' {
        $long = Join-Path $TestDrive 'long-series'
        New-Item -ItemType Directory $long | Out-Null
        1..300 | ForEach-Object { New-Phantom (Join-Path $long ('s{0:d3}.dcm' -f $_)) 256 }
        $out = Join-Path $TestDrive 'stopped'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; Get-ChildItem '$long' -Filter *.dcm | Export-DicomImage -OutputDirectory '$out' -ThrottleLimit 2")
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $out) -or @(Get-ChildItem $out -Filter *.png).Count -lt 3) {
            if ([DateTime]::UtcNow -gt $deadline -or $async.IsCompleted) { break }
            Start-Sleep -Milliseconds 20
        }
        $ps.Stop()
        $ps.Dispose()
        $afterStop = @(Get-ChildItem $out -Filter *.png).Count
        $afterStop | Should -BeLessThan 300 -Because 'the run was stopped before its end'
        Start-Sleep -Milliseconds 500
        @(Get-ChildItem $out -Filter *.png).Count | Should -Be $afterStop -Because 'no worker writes after the stop'
        @(Get-ChildItem $out -Force | Where-Object Name -like '.*.tmp').Count | Should -Be 0
        foreach ($png in Get-ChildItem $out -Filter *.png) { Test-CompletePng $png.FullName | Should -BeTrue -Because $png.Name }
    }

    It 'lets two shells export into one folder: every file written once and complete, the rest refused' {
        $out = Join-Path $TestDrive 'shared'
        $script = "Import-Module '$ModulePath'; Get-ChildItem '$series' -Filter *.dcm | Export-DicomImage -OutputDirectory '$out' -ErrorAction SilentlyContinue -ErrorVariable e; `$e.Count"
        $shells = 1..2 | ForEach-Object { $p = [powershell]::Create(); $null = $p.AddScript($script); [pscustomobject]@{ Shell = $p; Async = $p.BeginInvoke() } }
        $refused = 0
        foreach ($s in $shells) { $refused += [int]($s.Shell.EndInvoke($s.Async) | Select-Object -Last 1); $s.Shell.Dispose() }
        $written = @(Get-ChildItem $out -Filter *.png)
        $written.Count | Should -Be 40
        $refused | Should -Be 40 -Because 'each image was refused to exactly one of the two shells'
        foreach ($png in $written) { Test-CompletePng $png.FullName | Should -BeTrue }
        @(Get-ChildItem $out -Force | Where-Object Name -like '.*.tmp').Count | Should -Be 0
    }

    It 'gives an error per file when the target folder cannot be written, and goes on' {
        $blocker = Join-Path $TestDrive 'a-file'
        Set-Content -LiteralPath $blocker -Value 'x'
        $errors = $null
        $sources = Get-ChildItem $series -Filter *.dcm | Select-Object -First 3
        $sources | Export-DicomImage -Path (Join-Path $blocker '{BaseName}.png') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 3
        $errors[0].TargetObject | Should -Be $sources[0].FullName
        Get-Content -LiteralPath $blocker | Should -Be 'x'
    }
}
