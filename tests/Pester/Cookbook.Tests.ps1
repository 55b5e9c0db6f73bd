# Every recipe of docs/cookbook runs here against a small archive of the project's phantom (two series of one study,
# a multi-frame object, a text file that is not DICOM) and, when the shared corpus is present, its MONOCHROME1
# radiographs. Expected values come from how the archive was built, not from the recipes' own output.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $script:ModulePath -Force
    # The phantom writer is internal: reached through the module's assembly, as tools/demo/Demo.ps1 does.
    $script:Phantom = [DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true)
    $script:Cookbook = Join-Path $PSScriptRoot '../../docs/cookbook'
    function Recipe([string]$Name) { Join-Path $script:Cookbook $Name }

    $script:Archive = Join-Path $TestDrive 'archive'
    $study = '2.25.1234567'
    $series = @{ 'day1/series1' = @{ Uid = "$study.1"; Number = '1'; Slices = 5 }; 'day1/series2' = @{ Uid = "$study.2"; Number = '2'; Slices = 3 } }
    $seriesNumberTag = $script:Phantom.Assembly.GetType("DicomTools.Dicom.DicomTags", $true).GetField("SeriesNumber").GetValue($null)
    foreach ($folder in $series.Keys) {
        New-Item -ItemType Directory -Path (Join-Path $script:Archive $folder) -Force | Out-Null
        for ($slice = 0; $slice -lt $series[$folder].Slices; $slice++) {
            # File names repeat across the two series folders, as in most archives.
            $script:Phantom::Create(64, $slice, $series[$folder].Uid, $study).
                Add($seriesNumberTag, [DicomTools.DicomVR]::IS, [string]$series[$folder].Number).WriteFile((Join-Path $script:Archive "$folder/slice$slice.dcm"))
        }
    }
    New-Item -ItemType Directory -Path (Join-Path $script:Archive 'day2/cine'), (Join-Path $script:Archive 'day2/notes') -Force | Out-Null
    $script:Phantom::WriteMultiFrame((Join-Path $script:Archive 'day2/cine/cine.dcm'), 64, 4)
    Set-Content -LiteralPath (Join-Path $script:Archive 'day2/notes/readme.txt') -Value 'not a DICOM file'
    $script:Mono1 = @()
    if ($CorpusPresent) {
        New-Item -ItemType Directory -Path (Join-Path $script:Archive 'day2/cr') | Out-Null
        foreach ($file in 'derived__CR_MONO1_rle.dcm', 'dwv__gdcm-CR-MONO1-10-chest.dcm') {
            Copy-Item -LiteralPath (Join-Path $CorpusDir $file) -Destination (Join-Path $script:Archive 'day2/cr')
            $script:Mono1 += Join-Path $script:Archive "day2/cr/$file"
        }
    }
    # What the archive holds, from how it was built.
    $script:DicomFiles = @(Get-ChildItem -LiteralPath $script:Archive -Recurse -File -Filter *.dcm | ForEach-Object FullName)
    $script:Out = Join-Path $TestDrive 'out'
}

Describe 'Cookbook recipes (docs/cookbook)' {
    It '01 converts a folder tree keeping its structure' {
        $pngs = @(& (Recipe 01-Convert-FolderTree.ps1) -Source $Archive -Destination "$Out/01" -ErrorAction SilentlyContinue -ErrorVariable problems)
        foreach ($i in 0..4) { Join-Path $Out "01/day1/series1/slice$i.png" | Should -Exist }
        foreach ($i in 0..2) { Join-Path $Out "01/day1/series2/slice$i.png" | Should -Exist }
        @(Get-ChildItem -LiteralPath "$Out/01/day2/cine" -Filter *.png).Count | Should -Be 4 -Because 'the cine object has 4 frames'
        $pngs.Count | Should -Be (8 + 4 + $Mono1.Count)
        @($problems).Count | Should -Be 1 -Because 'only readme.txt is not DICOM'
        "$($problems[0].TargetObject)" | Should -BeLike '*readme.txt'
    }

    It '02 writes one PNG per series: the middle slice' {
        $pngs = @(& (Recipe 02-Export-SeriesMiddleSlice.ps1) -Source $Archive -Destination "$Out/02")
        $seriesCount = @($DicomFiles | Get-DicomInfo | Select-Object -ExpandProperty SeriesInstanceUID -Unique).Count
        $pngs.Count | Should -Be $seriesCount -Because 'one PNG per series'
        # Slice 2 of 5 (InstanceNumber 3), slice 1 of 3 (InstanceNumber 2), frame 1 of the 4-frame cine: the phantom
        # slices differ, so the files tell which one was chosen.
        $cineUid = (Get-DicomInfo -LiteralPath (Join-Path $Archive 'day2/cine/cine.dcm')).SeriesInstanceUID
        foreach ($case in @{ Uid = '2.25.1234567.1'; Slice = 'day1/series1/slice2.dcm'; Frame = 0 }, @{ Uid = '2.25.1234567.2'; Slice = 'day1/series2/slice1.dcm'; Frame = 0 },
            @{ Uid = $cineUid; Slice = 'day2/cine/cine.dcm'; Frame = 1 }) {
            $png = $pngs | Where-Object Name -like "*$($case.Uid).png"
            $png | Should -HaveCount 1
            $expected = Get-DicomPixelData -LiteralPath (Join-Path $Archive $case.Slice) -Frame $case.Frame | Export-DicomImage -Path (Join-Path $TestDrive "expected-$($case.Uid).png") -PassThru
            (Get-FileHash $png.FullName).Hash | Should -Be (Get-FileHash $expected.FullName).Hash -Because "the middle slice of $($case.Uid) is $($case.Slice)"
        }
    }

    It '03 finds the MONOCHROME1 radiographs and nothing else' {
        if (-not $CorpusPresent) { Set-ItResult -Skipped -Because $CorpusAbsentReason; return }
        $found = @(& (Recipe 03-Find-Monochrome1.ps1) -Source $Archive)
        ($found.Path | Sort-Object) -join ';' | Should -Be (($Mono1 | Sort-Object) -join ';')
    }

    It '04 writes an inventory CSV with one row per DICOM file' {
        & (Recipe 04-Export-Inventory.ps1) -Source $Archive -CsvPath "$Out/inventory.csv" | Out-Null
        $rows = @(Import-Csv -LiteralPath "$Out/inventory.csv")
        $rows.Count | Should -Be $DicomFiles.Count
        ($rows.Path | Sort-Object) -join ';' | Should -Be (($DicomFiles | Sort-Object) -join ';')
        $slice = $rows | Where-Object Path -like '*series1*slice4.dcm'
        $slice.PatientName | Should -Be 'Phantom^Chest'
        $slice.StudyDate | Should -Be '2026-01-01'
        $slice.InstanceNumber | Should -Be '5'
        $slice.Rows | Should -Be '64'
        $slice.SeriesInstanceUID | Should -Be '2.25.1234567.1'
    }

    It '05 converts, logs each failure with its file, skips what an earlier run did, and exits 1 on failure' {
        $script = Recipe 05-Invoke-ScheduledExport.ps1
        $logs = "$Out/logs"
        # Run as the scheduler would, in its own process, importing the module as the job's environment provides.
        $process = [Environment]::ProcessPath
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $command = "Import-Module '$ModulePath'; & '$script' -Source '$Archive' -Destination '$Out/05' -LogDirectory '$logs'; exit `$LASTEXITCODE"
        & $process @prefix -NoProfile -NonInteractive -Command $command | Out-Null
        $LASTEXITCODE | Should -Be 1 -Because 'readme.txt failed'
        & $process @prefix -NoProfile -NonInteractive -Command $command | Out-Null
        $lines = @(Get-Content -LiteralPath (Get-ChildItem -LiteralPath $logs -Filter *.log).FullName)
        $errors = @($lines | Where-Object { $_ -match "`tERROR`t" })
        $errors.Count | Should -Be 2 -Because 'one failure (readme.txt) in each of the two runs'
        $errors | ForEach-Object { $_ | Should -Match 'readme\.txt\tDicomReadError\t' }
        $done = @($lines | Where-Object { $_ -match "`tDONE`t" })
        $done[0] | Should -Match ("`t{0} converted, 1 failed" -f (8 + 4 + $Mono1.Count))
        $done[1] | Should -Match "`t0 converted, 1 failed" -Because 'the second run finds every PNG already there and overwrites nothing'
    }

    It '06 fans out over folders in parallel (the Invoke-Command form runs the same script block on each machine)' {
        $results = @(& (Recipe 06-Invoke-FanOut.ps1) -Source $Archive -Destination "$Out/06" -ThrottleLimit 2 -ModulePath $ModulePath -ErrorAction SilentlyContinue -ErrorVariable problems)
        @($problems).Count | Should -Be 1 -Because 'only readme.txt is not DICOM, and its error comes back from the worker'
        $results.Count | Should -Be (8 + 4 + $Mono1.Count)
        @(Get-ChildItem -LiteralPath "$Out/06/day1/series1" -Filter *.png).Count | Should -Be 5
        @(Get-ChildItem -LiteralPath "$Out/06/day1/series2" -Filter *.png).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath "$Out/06/day2/cine" -Filter *.png).Count | Should -Be 4
    }

    It '07 lists the unreadable files with the reason' {
        $bad = @(& (Recipe 07-Find-UnreadableFiles.ps1) -Source $Archive)
        $bad.Count | Should -Be 1
        $bad[0].Path | Should -BeLike '*readme.txt'
        $bad[0].ErrorId | Should -Be 'DicomReadError'
        $bad[0].Reason | Should -Not -BeNullOrEmpty
    }

    It '08 writes every frame of multi-frame files, numbered, a folder per file' {
        $pngs = @(& (Recipe 08-Export-AllFrames.ps1) -Source $Archive -Destination "$Out/08")
        ($pngs.Name | Sort-Object) -join ',' | Should -Be 'frame_0000.png,frame_0001.png,frame_0002.png,frame_0003.png'
        $pngs | ForEach-Object { $_.Directory.Name | Should -Be 'cine' }
    }

    It '09 summarises the archive per study' {
        $studies = @(& (Recipe 09-Get-StudySummary.ps1) -Source $Archive)
        $phantom = $studies | Where-Object StudyInstanceUID -eq '2.25.1234567'
        $phantom.Series | Should -Be 2
        $phantom.Images | Should -Be 8
        $phantom.Modalities | Should -Be 'CT'
        $phantom.PatientID | Should -Be 'PHANTOM-001'
        $cine = $studies | Where-Object StudyInstanceUID -eq (Get-DicomInfo -LiteralPath (Join-Path $Archive 'day2/cine/cine.dcm')).StudyInstanceUID
        $cine.Images | Should -Be 4 -Because 'the cine object holds 4 frames'
        $cine.Series | Should -Be 1
        ($studies | Measure-Object Images -Sum).Sum | Should -Be (8 + 4 + $Mono1.Count)
    }

    It '10 files JPEG previews by patient, study date and series' {
        $jpegs = @(& (Recipe 10-Export-JpegPreviews.ps1) -Source (Join-Path $Archive 'day1') -Destination "$Out/10" -Preset Lung)
        $jpegs.Count | Should -Be 8
        Join-Path $Out '10/PHANTOM-001/20260101/1_0005_0.jpg' | Should -Exist
        Join-Path $Out '10/PHANTOM-001/20260101/2_0003_0.jpg' | Should -Exist
        foreach ($jpeg in $jpegs) {
            [BitConverter]::ToString([IO.File]::ReadAllBytes($jpeg.FullName), 0, 3) | Should -Be 'FF-D8-FF' -Because "$($jpeg.Name) is a JPEG"
        }
    }
}
