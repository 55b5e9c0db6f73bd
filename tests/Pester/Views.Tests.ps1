# The default views at the two terminal widths people use (80 and 120 columns), with the long file names real
# archives have: every line fits, every table row still shows the image size, and no view prints a .NET type name
# where a value belongs. Out-String -Width stands in for the terminal width (a non-interactive host cannot resize).

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $widthCases = @(@{ Width = 80 }, @{ Width = 120 })
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $script:ModulePath -Force
    # The phantom writer is internal: reached through the module's assembly, as tools/demo/Demo.ps1 does.
    $script:Phantom = [DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true)

    # Phantom slices under names as long as the corpus's cswado__CTImage.dcm_<syntax>_<uid>.dcm files, plus those
    # files themselves when the corpus is present.
    $folder = Join-Path $TestDrive 'views'
    New-Item -ItemType Directory -Path $folder | Out-Null
    $longNames = 'CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm',
        'CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm', 'short.dcm'
    $slice = 0
    foreach ($name in $longNames) { $script:Phantom::Write((Join-Path $folder $name), 64, $slice++, $null, $null) }
    $script:Files = @(Get-ChildItem -LiteralPath $folder -File | ForEach-Object FullName)
    if ($CorpusPresent) { $script:Files += @(Get-ChildItem -LiteralPath $CorpusDir -Filter 'cswado__CTImage.dcm*' | ForEach-Object FullName) }
    $script:Infos = @(Get-DicomInfo -LiteralPath $script:Files -ErrorAction SilentlyContinue)
    $script:Pixels = @($script:Infos | Get-DicomPixelData -ErrorAction SilentlyContinue)
    $script:Images = @($script:Pixels | ConvertTo-WindowedImage -Preset Lung -Function Sigmoid -Invert -ErrorAction SilentlyContinue)

    function Get-Rows([string]$Text) {
        # Table body lines: after the dashed rule, up to the blank line that ends the table.
        $lines = $Text -split "`r?`n"
        $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\s*-{4}' })
        @($lines[($rule + 1)..($lines.Count - 1)] | Where-Object { $_.Trim() })
    }

    function Assert-Fits([string]$Text, [int]$Width, [string]$What) {
        foreach ($line in $Text -split "`r?`n") {
            $line.Length | Should -BeLessOrEqual $Width -Because "$What at $Width columns printed '$line'"
        }
        $Text | Should -Not -Match 'DicomTools\.[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+' -Because "$What shows values, not type names"
        $Text | Should -Not -Match 'System\.[A-Z][A-Za-z]+(\[\])?\s*$' -Because "$What shows values, not type names"
    }
}

Describe 'Default views at 80 and 120 columns' {
    It 'has long-named files to show' {
        $Infos.Count | Should -BeGreaterOrEqual 3
        ($Infos | Measure-Object { $_.Name.Length } -Maximum).Maximum | Should -BeGreaterThan 70
    }

    It 'Get-DicomInfo table fits <Width> columns and shows the size on every row' -TestCases $widthCases {
        param($Width)
        $text = $Infos | Out-String -Width $Width
        Assert-Fits $text $Width 'Get-DicomInfo table'
        $text | Should -Match '^\s*Modality\s+PatientName\s+Series/Inst\s+Size\s+Frames\s+TransferSyntax\s+Name' -Because 'the header row names every column'
        $rows = Get-Rows $text
        $rows.Count | Should -Be $Infos.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $info = $Infos[$i]
            $rows[$i] | Should -Match ("\b{0}x{1}\s+{2}\s" -f $info.Columns, $info.Rows, $info.NumberOfFrames) -Because "row of $($info.Name) shows Size and Frames"
            $rows[$i] | Should -Match ("\s{0}/{1}\s" -f $info.SeriesNumber, $info.InstanceNumber) -Because 'Series/Inst stays on one line'
        }
    }

    It 'Get-DicomInfo table at 120 columns shows the transfer syntax and at least 40 characters of each name' {
        $rows = Get-Rows ($Infos | Out-String -Width 120)
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $name = $Infos[$i].Name
            $prefix = $name.Substring(0, [math]::Min(40, $name.Length))
            $rows[$i] | Should -Match ([regex]::Escape($prefix)) -Because "row $i names $name"
            $syntax = $Infos[$i].TransferSyntaxShortName
            $rows[$i] | Should -Match ([regex]::Escape($syntax.Substring(0, [math]::Min(10, $syntax.Length))))
        }
    }

    It 'Format-Table -AutoSize still shows whole names' {
        $text = $Infos | Format-Table -AutoSize | Out-String -Width 400
        foreach ($info in $Infos) { $text | Should -Match ([regex]::Escape($info.Name)) }
    }

    It 'Get-DicomPixelData table fits <Width> columns and shows the size on every row' -TestCases $widthCases {
        param($Width)
        $text = $Pixels | Out-String -Width $Width
        Assert-Fits $text $Width 'Get-DicomPixelData table'
        $rows = Get-Rows $text
        $rows.Count | Should -Be $Pixels.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $rows[$i] | Should -Match ('{0}/{1}\s+{2}x{3}\s+{4}' -f $Pixels[$i].Frame, $Pixels[$i].NumberOfFrames, $Pixels[$i].Columns, $Pixels[$i].Rows, $Pixels[$i].PhotometricInterpretation)
            $windows = $Pixels[$i].WindowCenter.Count
            if ($windows -gt 1) { $rows[$i] | Should -Match ([regex]::Escape(('{0}/{1} +{2}' -f $Pixels[$i].WindowCenter[0], $Pixels[$i].WindowWidth[0], ($windows - 1)))) -Because 'the first window and how many more' }
        }
    }

    It 'ConvertTo-WindowedImage table fits <Width> columns and shows size, window and source on every row' -TestCases $widthCases {
        param($Width)
        $text = $Images | Out-String -Width $Width
        Assert-Fits $text $Width 'ConvertTo-WindowedImage table'
        $rows = Get-Rows $text
        $rows.Count | Should -Be $Images.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $rows[$i] | Should -Match ('{0}x{1}\s+-600/1500 sigmoid\s+True\s+preset Lung' -f $Images[$i].Width, $Images[$i].Height)
        }
    }

    It 'ConvertTo-WindowedImage list says window, function, inversion, settings, source and size at <Width> columns' -TestCases $widthCases {
        param($Width)
        $image = $Images | Where-Object Path -like '*short.dcm'
        $text = $image | Format-List | Out-String -Width $Width
        Assert-Fits $text $Width 'ConvertTo-WindowedImage list'
        $text | Should -Match ('(?m)^Size\s+: {0}x{1} grey' -f $image.Width, $image.Height)
        $text | Should -Match '(?m)^Window\s+: -600/1500 sigmoid'
        $text | Should -Match '(?m)^VoiFunction\s+: SIGMOID'
        $text | Should -Match '(?m)^Inverted\s+: True'
        $text | Should -Match '(?m)^Settings\s+: preset Lung \(-600/1500\), function Sigmoid, inversion flipped'
        $text | Should -Match '(?m)^Source\s+: \S+ frame 0 of 1: 64x64 MONOCHROME2'
    }

    It 'the list views of Get-DicomInfo and Get-DicomPixelData fit <Width> columns' -TestCases $widthCases {
        param($Width)
        Assert-Fits ($Infos[0] | Format-List | Out-String -Width $Width) $Width 'Get-DicomInfo list'
        Assert-Fits ($Pixels[0] | Format-List | Out-String -Width $Width) $Width 'Get-DicomPixelData list'
    }

    It 'the element table fits <Width> columns' -TestCases $widthCases {
        param($Width)
        $text = $Infos[0].Elements | Out-String -Width $Width
        Assert-Fits $text $Width 'element table'
        $text | Should -Match '\(0028,0010\) US Rows\s+2\s+64'
    }
}

Describe 'DisplaySettings in words' {
    It 'says what was chosen: <Expected>' -TestCases @(
        @{ Properties = @{}; Expected = 'file default' }
        @{ Properties = @{ WindowIndex = 1 }; Expected = 'file window 2' }
        @{ Properties = @{ Center = 40; Width = 400 }; Expected = 'window 40/400' }
        @{ Properties = @{ Center = -600; Width = 1500; PresetName = 'Lung' }; Expected = 'preset Lung (-600/1500)' }
        @{ Properties = @{ AutoWindow = 'MinMax' }; Expected = 'min-max' }
        @{ Properties = @{ AutoWindow = 'Percentile'; PercentileLow = 2; PercentileHigh = 98; Invert = $true }; Expected = 'percentile 2-98, inversion flipped' }
        @{ Properties = @{ VoiLutIndex = 0; Function = 'LinearExact' }; Expected = 'VOI LUT 1, function LinearExact' }
    ) {
        param($Properties, $Expected)
        # The type name goes through a variable: the namespace of public types may move, the view text may not.
        $type = ($Images[0].Settings).GetType()
        $settings = New-Object -TypeName $type.FullName -Property $Properties
        $settings.ToString() | Should -Be $Expected
    }
}
