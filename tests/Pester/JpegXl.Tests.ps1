BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    # libjxl decodes JPEG XL frames; without it (apt-get install libjxl0.7) the decoding checks are skipped.
    $libjxlMissing = $IsLinux -and -not (& ldconfig -p | Select-String -SimpleMatch 'libjxl.so.0.7')
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    # The fixtures are cjxl's codestreams and their truth (tests/fixtures/jpegxl/make_jxl.py).
    function Fixture([string]$Name) { Join-Path $PSScriptRoot "../fixtures/jpegxl/$Name" }
}

Describe 'JPEG XL through the cmdlets' -Skip:$libjxlMissing {
    It 'gives the lossless 12-bit frame''s pixels, equal to the encoder''s input' {
        $px = Get-DicomPixelData -LiteralPath (Fixture 'grey12.jxl.dcm')
        $source = Get-DicomPixelData -LiteralPath (Fixture 'grey12.source.dcm')
        $px.TransferSyntaxUID | Should -Be '1.2.840.10008.1.2.4.110'
        $px.BitsStored | Should -Be 12
        $px.Pixels.GetType().FullName | Should -Be 'System.UInt16[]'
        [System.Linq.Enumerable]::SequenceEqual([uint16[]]$source.Pixels, [uint16[]]$px.Pixels) | Should -BeTrue
    }

    It 'writes one object per frame of a multi-frame file' {
        $frames = @(Get-DicomPixelData -LiteralPath (Fixture 'grey8.multiframe.jxl.dcm'))
        $frames.Frame | Should -Be @(0, 1, 2)
    }

    It 'exports the same PNG as from the uncompressed source' {
        $jxl = Join-Path $TestDrive 'rgb8.jxl.png'
        $raw = Join-Path $TestDrive 'rgb8.source.png'
        Get-DicomPixelData -LiteralPath (Fixture 'rgb8.jxl.dcm') | Export-DicomImage -Path $jxl
        Get-DicomPixelData -LiteralPath (Fixture 'rgb8.source.dcm') | Export-DicomImage -Path $raw
        [System.Linq.Enumerable]::SequenceEqual([IO.File]::ReadAllBytes($raw), [IO.File]::ReadAllBytes($jxl)) | Should -BeTrue
        $grey = Join-Path $TestDrive 'grey12.jxl.png'
        ConvertTo-WindowedImage -LiteralPath (Fixture 'grey12.jxl.dcm') | Export-DicomImage -Path $grey
        (Get-Item $grey).Length | Should -BeGreaterThan 0
    }

    It 'reports a file cut inside its codestream, naming the file, and goes on with the next file' {
        $bytes = [IO.File]::ReadAllBytes((Fixture 'grey8.jxl.dcm'))
        # Cut the file in the middle of its only fragment: the item length now runs past the end of the data.
        $damaged = Join-Path $TestDrive 'damaged.dcm'
        [IO.File]::WriteAllBytes($damaged, $bytes[0..($bytes.Length - 600)])
        $errors = $null
        $frames = @(Get-DicomPixelData -LiteralPath $damaged, (Fixture 'grey8.jxl.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue)
        $frames.Count | Should -Be 1
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Match 'damaged\.dcm'
    }

    It 'reports a codestream libjxl refuses as PixelDecodeError and goes on' {
        $bytes = [IO.File]::ReadAllBytes((Fixture 'grey8.jxl.dcm'))
        # Same length, garbage in the codestream after its signature: the damage only libjxl can find.
        $text = [Text.Encoding]::Latin1.GetString($bytes)
        $start = $text.LastIndexOf([string][char]0xFF + [char]0x0A)
        for ($i = $start + 2; $i -lt $start + 40; $i++) { $bytes[$i] = 0xFF }
        $damaged = Join-Path $TestDrive 'garbled.dcm'
        [IO.File]::WriteAllBytes($damaged, $bytes)
        $errors = $null
        $frames = @(Get-DicomPixelData -LiteralPath $damaged, (Fixture 'grey8.jxl.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue)
        $frames.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PixelDecodeError,*'
        $errors[0].ToString() | Should -Match 'JPEG XL Lossless'
    }
}

Describe 'JPEG XL without libjxl' {
    It 'says which package to install, as a PixelDecodeError per file' {
        # The test hook of every native codec: a library description whose file does not exist, set on the three
        # JPEG XL decoders for this test only.
        $assembly = [DicomTools.DicomInfo].Assembly
        $decoderType = $assembly.GetType('DicomTools.Codecs.JpegXl.JpegXlDecoder', $true)
        $libraryType = $assembly.GetType('DicomTools.Codecs.Native.NativeCodecLibrary', $true)
        $real = $assembly.GetType('DicomTools.Codecs.Native.NativeLibraries', $true).GetProperty('JpegXl', [Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null)
        $names = [Collections.Generic.List[string]]::new(); $names.Add('libjxl-absent-for-a-test.so.0.7')
        $absent = [Activator]::CreateInstance($libraryType, @($real.Purpose, $real.LibraryName, $names, $real.InstallHint))
        $field = $decoderType.GetField('_library', [Reflection.BindingFlags]'Instance,NonPublic')
        $decoders = 'Lossless', 'JpegRecompression', 'Any' | ForEach-Object { $decoderType.GetProperty($_, [Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null) }
        try {
            foreach ($d in $decoders) { $field.SetValue($d, $absent) }
            $errors = $null
            $frames = @(Get-DicomPixelData -LiteralPath (Fixture 'grey8.jxl.dcm'), (Fixture 'grey8.source.dcm') -ErrorVariable errors -ErrorAction SilentlyContinue)
        }
        finally {
            foreach ($d in $decoders) { $field.SetValue($d, $real) }
        }
        $frames.Count | Should -Be 1 -Because 'the uncompressed file is still read'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PixelDecodeError,*'
        $errors[0].ToString() | Should -Match 'needs the libjxl library \(libjxl-absent-for-a-test\.so\.0\.7\)'
        if ($IsLinux) { $errors[0].ToString() | Should -Match 'apt-get install libjxl0\.7' }
    }
}
