BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    # Pixel array type per file, from the Image Pixel module (PS3.3 C.7.6.3): Bits Allocated and Pixel
    # Representation decide the type, Float / Double Float Pixel Data are float / double.
    $typeCases = @(
        @{ File = 'dwv__gdcm-CT-MONO2-8-abdo.dcm'; Type = 'System.Byte[]' }
        @{ File = 'derived__MR_small_int8_signed_rescale.dcm'; Type = 'System.SByte[]' }
        @{ File = 'dwv__gdcm-CR-MONO1-10-chest.dcm'; Type = 'System.UInt16[]' }
        @{ File = 'pydicom__CT_small.dcm'; Type = 'System.Int16[]' }
        @{ File = 'pydicom__rtdose.dcm'; Type = 'System.UInt32[]' }
        @{ File = 'derived__CTImage_int32_signed_rescale.dcm'; Type = 'System.Int32[]' }
        @{ File = 'pydicomdata__parametric_map_float.dcm'; Type = 'System.Single[]' }
        @{ File = 'pydicomdata__parametric_map_double_float.dcm'; Type = 'System.Double[]' }
        @{ File = 'pydicom__liver_1frame.dcm'; Type = 'System.Byte[]' }
    )
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    function Corpus([string]$Name) { Join-Path $CorpusDir $Name }
}

Describe 'Get-DicomPixelData' -Skip:(-not $CorpusPresent) {
    It 'gives <File> pixels as <Type>' -TestCases $typeCases {
        param($File, $Type)
        $px = Get-DicomPixelData -LiteralPath (Corpus $File) -Frame 0
        $px.Pixels.GetType().FullName | Should -Be $Type
        $px.Pixels.Length | Should -Be ($px.Rows * $px.Columns * $px.SamplesPerPixel)
    }

    It 'writes one object per frame, in order' {
        $frames = @(Get-DicomPixelData -LiteralPath (Corpus 'pydicom__rtdose.dcm'))
        $frames.Count | Should -Be 15
        $frames.Frame | Should -Be (0..14)
        $frames[0].NumberOfFrames | Should -Be 15
    }

    It 'selects frames, counting negative numbers from the end' {
        $frames = @(Get-DicomPixelData -LiteralPath (Corpus 'pydicom__rtdose.dcm') -Frame 2, -1)
        $frames.Frame | Should -Be @(2, 14)
    }

    It 'reports a frame that does not exist and goes on with the others' {
        $errors = $null
        $frames = @(Get-DicomPixelData -LiteralPath (Corpus 'pydicom__rtdose.dcm') -Frame 20, 1 -ErrorVariable errors -ErrorAction SilentlyContinue)
        $frames.Frame | Should -Be @(1)
        $errors[0].ToString() | Should -Match 'frame 20 does not exist: the file has 15 frame'
    }

    It 'masks to Bits Stored and sign-extends from the High Bit (garbage above the High Bit ignored)' {
        $clean = Get-DicomPixelData -LiteralPath (Corpus 'pydicomdata__693_UNCI.dcm') -Frame 0
        $dirty = Get-DicomPixelData -LiteralPath (Corpus 'derived__693_UNCI_bs14_signed_highbits_garbage.dcm') -Frame 0
        [System.Linq.Enumerable]::SequenceEqual([short[]]$clean.Pixels, [short[]]$dirty.Pixels) | Should -BeTrue
        ($dirty.Pixels | Measure-Object -Minimum -Maximum).Maximum | Should -BeLessOrEqual 8191 -Because '14 bits signed'
    }

    It 'decodes the same image from little endian, big endian, implicit VR and deflated files' {
        $reference = (Get-DicomPixelData -LiteralPath (Corpus 'cswado__CTImage.dcm')).Pixels
        foreach ($variant in 'cswado__CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm',
            'cswado__CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm',
            'cswado__CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm') {
            $pixels = (Get-DicomPixelData -LiteralPath (Corpus $variant)).Pixels
            [System.Linq.Enumerable]::SequenceEqual([short[]]$reference, [short[]]$pixels) | Should -BeTrue -Because $variant
        }
    }

    It 'interleaves planar configuration 1 (same image stored both ways)' {
        $interleaved = Get-DicomPixelData -LiteralPath (Corpus 'pydicomdata__color-px.dcm') -Frame 0
        $planar = Get-DicomPixelData -LiteralPath (Corpus 'pydicomdata__color-pl.dcm') -Frame 0
        [System.Linq.Enumerable]::SequenceEqual([byte[]]$interleaved.Pixels, [byte[]]$planar.Pixels) | Should -BeTrue
    }

    It 'carries the frame''s display attributes, from the Functional Groups of an enhanced object' {
        $px = Get-DicomPixelData -LiteralPath (Corpus 'pydicomdata__eCT_Supplemental.dcm') -Frame 0
        $px.RescaleIntercept | Should -Be -1024
        $px.RescaleSlope | Should -Be 1
        $px.WindowCenter.Count | Should -BeGreaterThan 0
    }

    It 'reads Modality and VOI LUT Sequences and ignores empty ones' {
        (Get-DicomPixelData -LiteralPath (Corpus 'pydicomdata__mlut_18.dcm')).ModalityLut | Should -Not -BeNullOrEmpty
        $voi = (Get-DicomPixelData -LiteralPath (Corpus 'derived__CT_small_voilut_2luts_12bit.dcm')).VoiLuts
        $voi.Count | Should -Be 2
        $voi[0].FirstMappedValue | Should -Be -1024
        $voi[0].BitsPerEntry | Should -Be 12
        $empty = Get-DicomPixelData -LiteralPath (Corpus 'dwv__leadtools-8BitsJpegLossyGrayScale.dcm') -ErrorAction SilentlyContinue
        if ($empty) { $empty.VoiLuts.Count | Should -Be 0; $empty.ModalityLut | Should -BeNullOrEmpty; $empty.WindowCenter.Count | Should -Be 0 }
    }

    It 'gives the modality range on demand' {
        $px = Get-DicomPixelData -LiteralPath (Corpus 'cswado__CTImage.dcm')
        $px.ModalityMinimum | Should -Be -3024   # MANIFEST / reference index: min=-3024 max=1378 after rescale
        $px.ModalityMaximum | Should -Be 1378
    }

    It 'says which frames too little pixel data cannot fill' {
        $errors = $null
        Get-DicomPixelData -LiteralPath (Corpus 'broken__rows_exceed_pixeldata__MR_small.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'PixelDataError,DicomTools.GetDicomPixelDataCommand'
        $errors[0].ToString() | Should -Match 'frame 0 needs bytes'
    }

    It 'refuses a JPEG 2000 Part 2 multiple-component transform by name, and reads the next file' {
        $fixtures = Join-Path $PSScriptRoot '../fixtures/jpeg2000'
        $errors = $null
        $px = @(Get-DicomPixelData -LiteralPath (Join-Path $fixtures 'rgb8.part2.mc.dcm'), (Join-Path $fixtures 'rgb8.part1.mc.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue)
        $px.Count | Should -Be 1
        $px[0].Path | Should -Match 'rgb8\.part1\.mc\.dcm$'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'PixelDecodeError,DicomTools.GetDicomPixelDataCommand'
        $errors[0].ToString() | Should -Match 'rgb8\.part2\.mc\.dcm: .*Part 2 multiple-component transform \(COD transform 2, MCT/MCC/MCO marker segments\) is not supported'
    }

    It 'filters frames arriving decoded with -Frame in the next cmdlet' {
        $file = Corpus 'pydicom__rtdose.dcm'
        (Get-DicomPixelData -LiteralPath $file -Frame 3, 4 | ConvertTo-WindowedImage -Frame 4).Frame | Should -Be 4
        (Get-DicomPixelData -LiteralPath $file -Frame 3 | ConvertTo-WindowedImage -Frame 0) | Should -BeNullOrEmpty
        $out = Join-Path $TestDrive 'frames'
        (Get-DicomPixelData -LiteralPath $file -Frame 3, 4 | Export-DicomImage -Frame -11 -OutputDirectory $out -PassThru).Name | Should -Be 'pydicom__rtdose_f0004.png'
    }

    It 'takes Get-DicomInfo objects from the pipeline' {
        $px = Get-DicomInfo -LiteralPath (Corpus 'pydicom__MR_small.dcm') | Get-DicomPixelData
        $px.Rows | Should -Be 64
        $px.Header['PatientName'] | Should -Not -BeNullOrEmpty
    }

    It 'keeps pixel arrays out of the default view' {
        $text = Get-DicomPixelData -LiteralPath (Corpus 'pydicom__MR_small.dcm') | Out-String -Width 200
        $text | Should -Match '0/1\s+64x64\s+MONOCHROME2\s+16/16\s+Int16\[\].*pydicom__MR_small.dcm'
    }
}
