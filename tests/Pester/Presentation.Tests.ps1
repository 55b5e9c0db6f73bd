# Pixel padding and overlay planes through the cmdlets: on by default, each switch turns its part off, and the display
# image records what was applied. The pixel values themselves are checked against numpy and dcmj2pnm in the xUnit
# tests (PixelPaddingTests, OverlayTests); here the parameters reach the core.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $script:HaveDcmtk = [bool](Get-Command dcmpsmk -ErrorAction SilentlyContinue)
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $script:Ct = if ($CorpusPresent) { Join-Path $CorpusDir 'fodicom__D_CLUNIE_CT1_RLE_FRAGS.dcm' }
    $script:Mr = if ($CorpusPresent) { Join-Path $CorpusDir 'pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm' }
}

Describe 'Pixel padding' -Skip:(-not $CorpusPresent) {
    It 'leaves the padding (-2000) out of -AutoWindow MinMax and shows it black' {
        $image = ConvertTo-WindowedImage -LiteralPath $Ct -AutoWindow MinMax
        "$($image.Padding)" | Should -Be '-2000'
        # Stored -2000 is -3024 HU after the intercept of -1024; the min-max window starts at the minimum,
        # center - width / 2 (center (min + max + 1) / 2, width max - min + 1), which must lie above it.
        $image.WindowCenter - $image.WindowWidth / 2 | Should -BeGreaterThan -3024
        $px = Get-DicomPixelData -LiteralPath $Ct
        $padded = @(0..($px.Pixels.Length - 1) | Where-Object { $px.Pixels[$_] -eq -2000 } | Select-Object -First 500)
        $padded.Count | Should -Be 500
        foreach ($i in $padded) { $image.Pixels[$i] | Should -Be 0 }
        $px.ModalityMinimum | Should -BeGreaterThan -3024
    }

    It '-IgnorePadding counts the padding in the window, as before' {
        $image = ConvertTo-WindowedImage -LiteralPath $Ct -AutoWindow MinMax -IgnorePadding
        $image.Padding | Should -BeNullOrEmpty
        $image.WindowCenter - $image.WindowWidth / 2 | Should -Be -3024
    }
}

Describe 'Overlay planes' -Skip:(-not $CorpusPresent) {
    It 'burns overlays in by default and records them' {
        $with = ConvertTo-WindowedImage -LiteralPath $Mr
        $without = ConvertTo-WindowedImage -LiteralPath $Mr -NoOverlays
        @($with.Overlays).Count | Should -Be 1
        $with.Overlays[0].Group | Should -Be 0x6000
        @($without.Overlays).Count | Should -Be 0
        $changed = 0
        for ($i = 0; $i -lt $with.Pixels.Length; $i++) {
            if ($with.Pixels[$i] -ne $without.Pixels[$i]) { $changed++; $with.Pixels[$i] | Should -Be 255 }
        }
        $changed | Should -BeGreaterThan 100
    }

    It 'Export-DicomImage -NoOverlays writes the image without them' {
        Export-DicomImage -SourcePath $Mr -Path (Join-Path $TestDrive 'with.png')
        Export-DicomImage -SourcePath $Mr -Path (Join-Path $TestDrive 'without.png') -NoOverlays
        (Get-FileHash (Join-Path $TestDrive 'with.png')).Hash | Should -Not -Be (Get-FileHash (Join-Path $TestDrive 'without.png')).Hash
    }

    It 'refuses an -OverlayColor that is not a colour before reading any file' {
        { ConvertTo-WindowedImage -LiteralPath $Mr -OverlayColor 'notacolour' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidOverlayColor,DicomTools.ConvertToWindowedImageCommand'
    }
}

Describe 'Grayscale Softcopy Presentation States' -Skip:(-not $CorpusPresent -or -not $HaveDcmtk) {
    BeforeAll {
        # dcmpsmk makes a state for the CT; dcmodify adds a window and a rotation.
        $script:Image = Join-Path $CorpusDir 'pydicom__CT_small.dcm'
        $script:State = Join-Path $TestDrive 'ct.pr.dcm'
        & dcmpsmk -q $Image $State
        & dcmodify -nb -q -i '(0028,3110)[0].(0028,1050)=40' -i '(0028,3110)[0].(0028,1051)=400' -i '(0070,0042)=90' -i '(0070,0041)=N' $State
        $LASTEXITCODE | Should -Be 0
    }

    It 'applies the state to the image it references' {
        $image = ConvertTo-WindowedImage -LiteralPath $Image -PresentationState $State
        $image.PresentationState | Should -Be $State
        $image.WindowCenter | Should -Be 40
        $image.WindowWidth | Should -Be 400
        $image.VoiSource | Should -Match 'presentation state'
    }

    It 'accepts the state as a Get-DicomInfo object, and Export-DicomImage applies it too' {
        $info = Get-DicomInfo -LiteralPath $State
        $viaInfo = ConvertTo-WindowedImage -LiteralPath $Image -PresentationState $info
        $viaInfo.PresentationState | Should -Be $State
        Export-DicomImage -SourcePath $Image -Path (Join-Path $TestDrive 'ct.png') -PresentationState $State
        Test-Path (Join-Path $TestDrive 'ct.png') | Should -BeTrue
    }

    It 'gives a per-file error for an image the state does not reference, and goes on' {
        $other = Join-Path $CorpusDir 'pydicom__MR_small.dcm'
        $out = ConvertTo-WindowedImage -LiteralPath $other, $Image -PresentationState $State -ErrorVariable problems -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'PresentationStateError*'
        "$($problems[0])" | Should -Match 'pydicom__MR_small.dcm'
    }

    It 'warns that text annotations are not drawn yet, and Get-Help says so' {
        $withText = Join-Path $TestDrive 'text.pr.dcm'
        Copy-Item $State $withText
        & dcmodify -nb -q -i '(0070,0001)[0].(0070,0002)=L1' -i '(0070,0001)[0].(0070,0008)[0].(0070,0006)=Hello' `
            -i '(0070,0001)[0].(0070,0008)[0].(0070,0014)=10\10' -i '(0070,0001)[0].(0070,0008)[0].(0070,0015)=N' $withText
        $LASTEXITCODE | Should -Be 0
        $image = ConvertTo-WindowedImage -LiteralPath $Image -PresentationState $withText -WarningVariable warned -WarningAction SilentlyContinue
        $image | Should -Not -BeNullOrEmpty
        "$warned" | Should -Match 'text annotations are not drawn yet'
        $help = (Get-Help ConvertTo-WindowedImage -Parameter PresentationState).description.Text -join ' '
        $help | Should -Match 'Not drawn yet: text annotations'
    }

    It 'applies VOI LUT data from the state instead of refusing it' {
        # Two entries from modality value 0, 8 bits (dcmodify reads OW values as hex): up to 0 HU black, above white.
        $withLut = Join-Path $TestDrive 'lut.pr.dcm'
        Copy-Item $State $withLut
        & dcmodify -nb -q -e '(0028,3110)[0].(0028,1050)' -e '(0028,3110)[0].(0028,1051)' `
            -i '(0028,3110)[0].(0028,3010)[0].(0028,3002)=2\0\8' -i '(0028,3110)[0].(0028,3010)[0].(0028,3006)=0000\00ff' $withLut
        $LASTEXITCODE | Should -Be 0
        $image = ConvertTo-WindowedImage -LiteralPath $Image -PresentationState $withLut
        $image.VoiSource | Should -Match 'presentation state'
        @($image.Pixels | Sort-Object -Unique) | Should -Be @(0, 255)
    }

    It 'stops before reading any image when the state cannot be read' {
        { ConvertTo-WindowedImage -LiteralPath $Image -PresentationState $Image -ErrorAction Stop } |
            Should -Throw -ErrorId 'PresentationStateError,DicomTools.ConvertToWindowedImageCommand'
    }
}
