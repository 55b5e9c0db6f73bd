BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $script:HaveDcmtk = [bool](Get-Command dcmcjpeg -ErrorAction SilentlyContinue) -and [bool](Get-Command dcmdjpeg -ErrorAction SilentlyContinue)
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $assembly = [DicomTools.DicomInfo].Assembly
    $nonPublicStatic = [Reflection.BindingFlags]'NonPublic, Static'
    $script:started = $assembly.GetType('DicomTools.Commands.TestHooks', $true).GetField('Started', $nonPublicStatic)

    function Sha([Array]$Values) {
        # The frame's samples as bytes, hashed: equal hashes mean equal pixel arrays of the same type.
        $bytes = [byte[]]::new([Buffer]::ByteLength($Values))
        [Buffer]::BlockCopy($Values, 0, $bytes, 0, $bytes.Length)
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes))
    }
    function Frames($Output) { @($Output | Where-Object { $_ -is [DicomTools.DicomPixelData] }) }

    # A copy of Path whose frame number Frame has its start-of-frame marker turned into SOF7 (differential
    # lossless, which no decoder here supports): that frame, and only it, fails to decode.
    function Copy-WithDamagedFrame([string]$Path, [int]$Frame, [string]$Destination) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $soi = 0
        for ($i = 0; $i -lt $bytes.Length - 3; $i++) {
            if ($bytes[$i] -eq 0xFF -and $bytes[$i + 1] -eq 0xD8 -and $bytes[$i + 2] -eq 0xFF) {
                if ($soi++ -lt $Frame) { continue }
                for ($j = $i + 2; $j -lt $bytes.Length - 1; $j++) {
                    if ($bytes[$j] -eq 0xFF -and $bytes[$j + 1] -in 0xC0, 0xC1, 0xC3) { $bytes[$j + 1] = 0xC7; break }
                }
                break
            }
        }
        [IO.File]::WriteAllBytes($Destination, $bytes)
    }

    if ((Get-Command dcmcjpeg -ErrorAction SilentlyContinue) -and (Get-Command dcmdjpeg -ErrorAction SilentlyContinue)) {
        # A 24-frame CT phantom compressed by DCMTK as JPEG lossless (SV1) and as 12-bit extended DCT, and the DCT
        # file decoded back by dcmdjpeg: independent truth for every frame (lossless: the native file itself).
        $phantom = $assembly.GetType('DicomTools.Samples.CtPhantom', $true)
        $script:Native = Join-Path $TestDrive 'native24.dcm'
        $phantom::WriteMultiFrame($Native, 96, 24)
        $script:Lossless = Join-Path $TestDrive 'lossless24.dcm'
        $script:Dct = Join-Path $TestDrive 'dct24.dcm'
        $script:DctDecoded = Join-Path $TestDrive 'dct24-dcmdjpeg.dcm'
        & dcmcjpeg +e1 $Native $Lossless
        & dcmcjpeg +ee $Native $Dct
        & dcmdjpeg $Dct $DctDecoded
        $script:Truth = @{
            $Lossless = @(Get-DicomPixelData -LiteralPath $Native -ThrottleLimit 1 | ForEach-Object { Sha $_.Pixels })
            $Dct = @(Get-DicomPixelData -LiteralPath $DctDecoded -ThrottleLimit 1 | ForEach-Object { Sha $_.Pixels })
        }
    }
}

Describe 'Get-DicomPixelData decodes the frames of a file in parallel' -Skip:(-not $HaveDcmtk) {
    It 'gives every frame of the <Kind> file in frame order, equal to the reference decode, at -ThrottleLimit <Throttle>' -TestCases @(
        @{ Kind = 'lossless'; Throttle = 1 }
        @{ Kind = 'lossless'; Throttle = 4 }
        @{ Kind = 'lossless'; Throttle = 0 }
        @{ Kind = 'DCT'; Throttle = 1 }
        @{ Kind = 'DCT'; Throttle = 4 }
        @{ Kind = 'DCT'; Throttle = 0 }
    ) {
        $path = if ($Kind -eq 'lossless') { $Lossless } else { $Dct }
        $arguments = @{ LiteralPath = $path }
        if ($Throttle) { $arguments.ThrottleLimit = $Throttle } # 0: the default, one worker per processor
        $frames = @(Get-DicomPixelData @arguments)
        $frames.Frame | Should -Be (0..23)
        $hashes = @($frames | ForEach-Object { Sha $_.Pixels })
        for ($i = 0; $i -lt 24; $i++) { $hashes[$i] | Should -Be $Truth[$path][$i] -Because "frame $i of the $Kind file" }
    }

    It 'keeps the order -Frame gives, duplicates and negative numbers included' {
        $frames = @(Get-DicomPixelData -LiteralPath $Dct -Frame 5, 0, -1, 5, 17 -ThrottleLimit 3)
        $frames.Frame | Should -Be @(5, 0, 23, 5, 17)
        (Sha $frames[0].Pixels) | Should -Be $Truth[$Dct][5]
        (Sha $frames[2].Pixels) | Should -Be $Truth[$Dct][23]
    }

    It 'keeps files in input order, their frames after each other' {
        $frames = @(Get-DicomPixelData -LiteralPath $Lossless, $Dct, $Lossless -Frame 0, 1 -ThrottleLimit 4)
        ($frames | ForEach-Object { "$([IO.Path]::GetFileName($_.Path)):$($_.Frame)" }) |
            Should -Be @('lossless24.dcm:0', 'lossless24.dcm:1', 'dct24.dcm:0', 'dct24.dcm:1', 'lossless24.dcm:0', 'lossless24.dcm:1')
    }

    It 'reports a damaged <Kind> frame as a non-terminating error in its place and decodes the others' -TestCases @(
        @{ Kind = 'lossless' }
        @{ Kind = 'DCT' }
    ) {
        $path = if ($Kind -eq 'lossless') { $Lossless } else { $Dct }
        $damaged = Join-Path $TestDrive "damaged-$Kind.dcm"
        Copy-WithDamagedFrame $path 7 $damaged
        $records = @(Get-DicomPixelData -LiteralPath $damaged -ThrottleLimit 4 -ErrorAction Continue 2>&1)
        $errors = @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PixelDecodeError,*'
        $errors[0].ToString() | Should -BeLike '*frame 7*'
        $errors[0].TargetObject | Should -Be $damaged
        # Output and the error in input order: frames 0-6, the error, frames 8-23.
        $order = @($records | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { 'error' } else { $_.Frame } })
        $order | Should -Be (@(0..6) + 'error' + @(8..23))
        $frames = Frames $records
        for ($i = 0; $i -lt $frames.Count; $i++) { (Sha $frames[$i].Pixels) | Should -Be $Truth[$path][$frames[$i].Frame] }
    }

    It 'writes the error for a frame the file lacks between the frames around it' {
        $records = @(Get-DicomPixelData -LiteralPath $Lossless -Frame 0, 99, 1 -ThrottleLimit 4 -ErrorAction Continue 2>&1)
        $order = @($records | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId.Split(',')[0] } else { $_.Frame } })
        $order | Should -Be @(0, 'PixelDataError', 1)
    }

    It 'gives the same objects from Get-DicomInfo input as from paths' {
        $fromInfo = @(Get-DicomInfo -LiteralPath $Dct, $Lossless | Get-DicomPixelData -Frame 3, 20)
        $fromPath = @(Get-DicomPixelData -LiteralPath $Dct, $Lossless -Frame 3, 20 -ThrottleLimit 1)
        ($fromInfo | ForEach-Object { "$($_.Path):$($_.Frame):$(Sha $_.Pixels)" }) |
            Should -Be ($fromPath | ForEach-Object { "$($_.Path):$($_.Frame):$(Sha $_.Pixels)" })
    }

    It 'decodes no further ahead of a slow consumer than twice -ThrottleLimit' {
        # 200 frames: a reader that decoded the whole file ahead, or an unbounded queue, would have started far
        # more jobs than the frames taken when the consumer looks.
        $long = Join-Path $TestDrive 'long200.dcm'
        $native = Join-Path $TestDrive 'native200.dcm'
        ([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', $true))::WriteMultiFrame($native, 32, 200)
        & dcmcjpeg +e1 $native $long
        $before = $started.GetValue($null)
        $ahead = [Collections.Generic.List[int]]::new()
        $taken = 0
        Get-DicomPixelData -LiteralPath $long -ThrottleLimit 2 | ForEach-Object {
            $taken++
            Start-Sleep -Milliseconds 5 # let the workers run ahead as far as they may
            $ahead.Add($started.GetValue($null) - $before - $taken)
        }
        $taken | Should -Be 200
        ($ahead | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 4
    }

    It 'stops decoding when the consumer has enough' {
        $before = $started.GetValue($null)
        $first = @(Get-DicomPixelData -LiteralPath (Join-Path $TestDrive 'long200.dcm') -ThrottleLimit 2 | Select-Object -First 3)
        $first.Frame | Should -Be @(0, 1, 2)
        Start-Sleep -Milliseconds 200
        ($started.GetValue($null) - $before) | Should -BeLessOrEqual 8
    }
}
