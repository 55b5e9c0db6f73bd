# Show-DicomImage, Export-DicomImage -Animate / -MaxSize / -ContactSheet and -WindowName through the cmdlets. What we
# write is read back by other implementations: ImageMagick reads the Sixel, PIL the PNG inside the kitty sequence and
# the animated PNG / GIF files, and numpy computes the area average the pictures are compared with (an exact
# fractional-coverage box filter as two weight matrices, independent of our scaler).

BeforeDiscovery {
    $script:HavePython = (Test-Path /usr/bin/python3) -and $(& /usr/bin/python3 -c 'import numpy, PIL' 2>$null; $LASTEXITCODE -eq 0)
    $script:HaveConvert = Test-Path /usr/bin/convert
    . $PSScriptRoot/TestSetup.ps1
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force

    $script:Ct = Join-Path $TestDrive 'ct.dcm'
    (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($Ct, 512, 0, $null, $null)

    # A 12-frame cine fixture with Frame Time 40 ms, written with the project's writer.
    $script:Cine = Join-Path $TestDrive 'cine.dcm'
    $size = 64
    $pixels = [ushort[]]::new($size * $size * 12)
    for ($f = 0; $f -lt 12; $f++) {
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Render($size, $f * 20).CopyTo($pixels, $f * $size * $size)
    }
    $tag = { param($k) $t = [DicomTools.DicomTag]::new(0); $null = (Get-ModuleType DicomTools.Dicom.DicomDictionary)::TryGetTag($k, [ref]$t); $t }
    $writer = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create($size, 0, $null, $null)
    $null = $writer.Add((& $tag 'NumberOfFrames'), [DicomTools.DicomVR]::IS, '12')
    $null = $writer.Add((& $tag 'FrameTime'), [DicomTools.DicomVR]::DS, '40')
    $null = $writer.AddPixelData($pixels)
    $writer.WriteFile($Cine)

    # Python: area average of raw grey bytes with numpy; PIL reading of images and animations.
    $script:Py = Join-Path $TestDrive 'check.py'
    Set-Content -LiteralPath $Py -Value @'
import sys, json, numpy as np
from PIL import Image, ImageSequence

def weights(n_in, n_out):
    # Row i of W: how much of output pixel i each input pixel covers, divided by the output pixel's size.
    scale = n_in / n_out
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        a, b = i * scale, (i + 1) * scale
        for j in range(int(np.floor(a)), min(n_in, int(np.ceil(b)))):
            w[i, j] = (min(b, j + 1) - max(a, j)) / scale
    return w

def area_average(raw, width, height, new_width, new_height):
    img = np.fromfile(raw, dtype=np.uint8).reshape(height, width).astype(float)
    return weights(height, new_height) @ img @ weights(width, new_width).T

cmd = sys.argv[1]
if cmd == 'compare':   # compare RAW W H IMAGE TOLERANCE: the image (any PIL format) against the area average
    raw, w, h, image, tol = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    im = Image.open(image).convert('RGB')
    a = np.array(im).astype(float)
    grey = bool((a[:, :, 0] == a[:, :, 1]).all() and (a[:, :, 0] == a[:, :, 2]).all())
    expected = area_average(raw, w, h, im.size[0], im.size[1])
    err = float(np.abs(a[:, :, 0] - expected).max())
    print(json.dumps({'width': im.size[0], 'height': im.size[1], 'grey': grey, 'max_error': err, 'ok': grey and err <= tol + 1e-6}))
elif cmd == 'animation':   # animation FILE FRAME_RAW...: frame count, size, durations, and whether frames equal raw bytes
    im = Image.open(sys.argv[2])
    frames = [np.array(f.convert('L')) for f in ImageSequence.Iterator(im)]
    durations = [f.info.get('duration') for f in ImageSequence.Iterator(Image.open(sys.argv[2]))]
    checks = []
    for spec in sys.argv[3:]:
        index, raw = spec.split('=', 1)
        expected = np.fromfile(raw, dtype=np.uint8).reshape(frames[0].shape)
        checks.append(bool((frames[int(index)] == expected).all()))
    print(json.dumps({'format': im.format, 'n_frames': getattr(im, 'n_frames', 1), 'size': list(im.size),
                      'mode': im.mode, 'durations': durations, 'loop': im.info.get('loop'), 'frames_equal': checks}))
'@

    function Invoke-Check {
        $json = & /usr/bin/python3 $Py @args
        if ($LASTEXITCODE -ne 0) { throw "python check failed: $json" }
        $json | ConvertFrom-Json
    }

    function Save-Raw([byte[]]$Bytes, [string]$Name) {
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllBytes($path, $Bytes)
        $path
    }

    $script:Rendered = ConvertTo-WindowedImage -Path $Ct
    $script:RenderedRaw = Save-Raw $Rendered.Pixels 'ct.raw'
}

Describe 'Show-DicomImage' {
    It 'Sixel output decodes in ImageMagick to the rendered frame at the requested width' -Skip:(-not ($HavePython -and $HaveConvert)) {
        $sixel = Show-DicomImage -Path $Ct -Protocol Sixel -Columns 30
        $sixel | Should -HaveCount 1
        $sixel | Should -BeOfType [string]
        $file = Join-Path $TestDrive 'ct.six'
        [IO.File]::WriteAllText($file, $sixel)
        $png = Join-Path $TestDrive 'ct_six.png'
        & /usr/bin/convert "sixel:$file" $png
        $LASTEXITCODE | Should -Be 0
        # Sixel colours are percentages: one level of that on top of the half level of rounding (see the unit tests).
        $check = Invoke-Check compare $RenderedRaw 512 512 $png 1.5
        $check.width | Should -Be 300
        $check.height | Should -Be 300
        $check.grey | Should -BeTrue
        $check.ok | Should -BeTrue -Because "the largest difference from the area average is $($check.max_error)"
    }

    It 'Kitty output is chunked base64 PNG of the rendered frame at the requested width' -Skip:(-not $HavePython) {
        $kitty = Get-DicomInfo -Path $Ct | Show-DicomImage -Protocol Kitty -Columns 25
        $chunks = [regex]::Matches($kitty, "`e_G([^;`e]*);([A-Za-z0-9+/=]*)`e\\")
        ($chunks | Measure-Object -Property Length -Sum).Sum | Should -Be $kitty.Length
        $chunks[0].Groups[1].Value | Should -Match 'a=T'
        $chunks[0].Groups[1].Value | Should -Match 'f=100'
        foreach ($chunk in $chunks) { $chunk.Groups[2].Length | Should -BeLessOrEqual 4096 }
        $png = Save-Raw ([Convert]::FromBase64String((@($chunks | ForEach-Object { $_.Groups[2].Value }) -join ''))) 'kitty.png'
        $check = Invoke-Check compare $RenderedRaw 512 512 $png 1
        $check.width | Should -Be 250
        $check.ok | Should -BeTrue -Because "the largest difference from the area average is $($check.max_error)"
    }

    It 'ITerm2 output is an inline base64 PNG' -Skip:(-not $HavePython) {
        $iterm = Show-DicomImage -Path $Ct -Protocol ITerm2 -Columns 20
        $iterm | Should -Match "^`e\]1337;File=inline=1;size=\d+;width=20;[^:]*:[A-Za-z0-9+/=]+`a$"
        $png = Save-Raw ([Convert]::FromBase64String(($iterm -split ':', 2)[1].TrimEnd("`a"))) 'iterm.png'
        (Invoke-Check compare $RenderedRaw 512 512 $png 1).ok | Should -BeTrue
    }

    It 'Blocks prints half-block rows with 24-bit colour' {
        $blocks = Show-DicomImage -Path $Ct -Protocol Blocks -Columns 40 -Preset Lung
        $rows = $blocks -split "`n"
        $rows | Should -HaveCount 20
        foreach ($row in $rows) {
            ([regex]::Matches($row, [string][char]0x2580)).Count | Should -Be 40
            $row | Should -Match "`e\[38;2;\d+;\d+;\d+m"
            $row | Should -Match "`e\[48;2;\d+;\d+;\d+m"
            $row | Should -Match "`e\[0m$"
        }
    }

    It 'In a host that is not interactive, Auto draws nothing and warns' {
        $output = Show-DicomImage -Path $Ct -WarningVariable warnings 3>$null
        $output | Should -BeNullOrEmpty
        "$warnings" | Should -Match 'not drawn'
    }

    It 'Several pictures each start with a caption line naming the file and frame' {
        $pictures = @(Show-DicomImage -Path $Cine -Frame 0, 11 -Protocol Blocks -Columns 8)
        $pictures | Should -HaveCount 2
        ($pictures[0] -split "`n")[0] | Should -Be 'cine.dcm frame 0'
        ($pictures[1] -split "`n")[0] | Should -Be 'cine.dcm frame 11'
        (Show-DicomImage -Path $Ct -Protocol Blocks -Columns 8) | Should -Not -Match 'frame 0'
    }

    It '-WindowName picks the stored window by its explanation' {
        $byName = Show-DicomImage -Path $Ct -WindowName 'lu*' -Protocol Blocks -Columns 16
        $byIndex = Show-DicomImage -Path $Ct -WindowIndex 1 -Protocol Blocks -Columns 16
        $byName | Should -Be $byIndex
        (ConvertTo-WindowedImage -Path $Ct -WindowName LUNG).VoiSource | Should -Be 'file window 2 (LUNG)'
    }

    It '-WindowName without a match is an error for that file that lists its names; the next file is shown' {
        $other = Join-Path $TestDrive 'other.dcm'
        Copy-Item -LiteralPath $Ct -Destination $other
        $output = @(Show-DicomImage -Path $Ct, $other -WindowName brain -Protocol Blocks -Columns 8 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $output | Should -HaveCount 0
        $failures | Should -HaveCount 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDisplaySettings*'
        "$($failures[0])" | Should -Match "window 'SOFT TISSUE', window 'LUNG'"
    }

    It 'shows display images from ConvertTo-WindowedImage as they are' {
        $piped = ConvertTo-WindowedImage -Path $Ct -Preset Lung | Show-DicomImage -Protocol Blocks -Columns 16
        $piped | Should -Be (Show-DicomImage -Path $Ct -Preset Lung -Protocol Blocks -Columns 16)
        $null = ConvertTo-WindowedImage -Path $Ct | Show-DicomImage -Protocol Blocks -Columns 16 -Preset Bone -WarningVariable warned 3>$null
        "$warned" | Should -Match 'already rendered'
    }

    It 'takes the presentation parameters of ConvertTo-WindowedImage and renders with them' -Skip:(-not $CorpusPresent) {
        # The Siemens sample's overlay plane: Show-DicomImage burns it in by default and leaves it out with
        # -NoOverlays, exactly as ConvertTo-WindowedImage renders the same choice.
        $siemens = Join-Path $CorpusDir 'pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm'
        $withOverlay = Show-DicomImage -Path $siemens -Protocol Blocks -Columns 32
        $without = Show-DicomImage -Path $siemens -Protocol Blocks -Columns 32 -NoOverlays
        $without | Should -Not -Be $withOverlay
        $without | Should -Be (ConvertTo-WindowedImage -Path $siemens -NoOverlays | Show-DicomImage -Protocol Blocks -Columns 32)
        $withOverlay | Should -Be (ConvertTo-WindowedImage -Path $siemens | Show-DicomImage -Protocol Blocks -Columns 32)
    }

    It 'Pixel Spacing with rows twice as far apart doubles the picture height' {
        $tall = Join-Path $TestDrive 'tall.dcm'
        $tag = [DicomTools.DicomTag]::new(0); $null = (Get-ModuleType DicomTools.Dicom.DicomDictionary)::TryGetTag('PixelSpacing', [ref]$tag)
        $w = (Get-ModuleType DicomTools.Samples.CtPhantom)::Create(64, 0, $null, $null)
        $null = $w.Add($tag, [DicomTools.DicomVR]::DS, '1.0\0.5')
        $w.WriteFile($tall)
        (Show-DicomImage -Path $tall -Protocol Blocks -Columns 20) -split "`n" | Should -HaveCount 20
    }
}

Describe 'Export-DicomImage -Animate, -MaxSize, -ContactSheet' -Skip:(-not $HavePython) {
    BeforeAll {
        $script:Frames = ConvertTo-WindowedImage -Path $Cine
        $script:FrameRaw = @{}
        foreach ($i in 0, 5, 11) { $FrameRaw[$i] = Save-Raw $Frames[$i].Pixels "frame$i.raw" }
    }

    It 'writes every frame of a 12-frame file into a valid animated <Kind>' -TestCases @(
        @{ Kind = 'PNG'; Name = 'cine.png'; Format = 'PNG' }
        @{ Kind = 'PNG (.apng)'; Name = 'cine.apng'; Format = 'PNG' }
        @{ Kind = 'GIF'; Name = 'cine.gif'; Format = 'GIF' }
    ) {
        $target = Join-Path $TestDrive $Name
        $file = Export-DicomImage -SourcePath $Cine -Path $target -Animate -PassThru
        $file.FullName | Should -Be $target
        $check = Invoke-Check animation $target "0=$($FrameRaw[0])" "5=$($FrameRaw[5])" "11=$($FrameRaw[11])"
        $check.format | Should -Be $Format
        $check.n_frames | Should -Be 12
        $check.size | Should -Be @(64, 64)
        $check.durations | Should -HaveCount 12
        foreach ($d in $check.durations) { $d | Should -Be 40 }   # Frame Time (0018,1063) = 40 ms
        $check.loop | Should -Be 0
        $check.frames_equal | Should -Be @($true, $true, $true)
    }

    It 'animates frames piped in, one animation per file, with the window they were rendered with' {
        $other = Join-Path $TestDrive 'cine2.dcm'
        Copy-Item -LiteralPath $Cine -Destination $other
        $folder = Join-Path $TestDrive 'piped'
        $written = @(ConvertTo-WindowedImage -Path $Cine, $other -Preset Lung | Export-DicomImage -OutputDirectory $folder -Format Gif -Animate -PassThru)
        $written.Name | Should -Be @('cine.gif', 'cine2.gif')
        $lung = Save-Raw (ConvertTo-WindowedImage -Path $Cine -Frame 5 -Preset Lung).Pixels 'lung5.raw'
        $check = Invoke-Check animation $written[1].FullName "5=$lung"
        $check.n_frames | Should -Be 12
        $check.frames_equal | Should -Be @($true)
        (Invoke-Check animation (Get-DicomInfo -Path $Cine | Export-DicomImage -Path (Join-Path $TestDrive 'info.png') -Animate -PassThru).FullName).n_frames | Should -Be 12
    }

    It 'an APNG has the animation chunks in order' {
        $target = Join-Path $TestDrive 'chunks.png'
        Export-DicomImage -SourcePath $Cine -Path $target -Animate
        $bytes = [IO.File]::ReadAllBytes($target)
        $types = [Collections.Generic.List[string]]::new(); $at = 8
        while ($at + 8 -le $bytes.Length) {
            $length = [int]$bytes[$at] * 16777216 + $bytes[$at + 1] * 65536 + $bytes[$at + 2] * 256 + $bytes[$at + 3]
            $types.Add([Text.Encoding]::ASCII.GetString($bytes, $at + 4, 4)); $at += 12 + $length
        }
        $types[0..3] -join ',' | Should -Be 'IHDR,acTL,fcTL,IDAT'
        ($types | Where-Object { $_ -eq 'fcTL' }).Count | Should -Be 12
        $types[-1] | Should -Be 'IEND'
    }

    It '-FrameRate overrides the header and -MaxSize scales the frames' {
        $target = Join-Path $TestDrive 'slow.gif'
        Export-DicomImage -SourcePath $Cine -Path $target -Animate -FrameRate 4 -MaxSize 32
        $check = Invoke-Check animation $target
        $check.size | Should -Be @(32, 32)
        $check.durations | Should -Be (@(250) * 12)
    }

    It '-MaxSize 128 on a 512x512 image writes 128x128, the area average of the rendering' {
        $target = Join-Path $TestDrive 'thumb.png'
        Export-DicomImage -SourcePath $Ct -Path $target -MaxSize 128
        $check = Invoke-Check compare $RenderedRaw 512 512 $target 1
        $check.width | Should -Be 128
        $check.height | Should -Be 128
        $check.ok | Should -BeTrue -Because "the largest difference from the area average is $($check.max_error)"
    }

    It '-MaxSize never enlarges' {
        $target = Join-Path $TestDrive 'small.png'
        Export-DicomImage -SourcePath $Cine -Frame 0 -Path $target -MaxSize 1000
        (Invoke-Check animation $target).size | Should -Be @(64, 64)
    }

    It '-ContactSheet tiles a series in instance-number order' {
        $series = Join-Path $TestDrive 'series'
        New-Item -ItemType Directory $series | Out-Null
        # Files named against their instance order: the sheet must follow Instance Number, not the names.
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$series/a.dcm", 64, 2, $null, $null)
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$series/b.dcm", 64, 0, $null, $null)
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$series/c.dcm", 64, 1, $null, $null)
        $sheet = Join-Path $TestDrive 'sheet.png'
        Get-ChildItem $series -Filter *.dcm | Export-DicomImage -Path $sheet -ContactSheet -Columns 2 -MaxSize 64
        $first = (ConvertTo-WindowedImage -Path "$series/b.dcm").Pixels
        $check = Invoke-Check animation $sheet
        $check.size | Should -Be @((4 + 2 * (64 + 4)), (4 + 2 * (64 + 4)))
        # The first tile (top left, after the 4-pixel gap) is instance 1, b.dcm.
        $raw = Join-Path $TestDrive 'sheet.raw'
        & /usr/bin/python3 -c "import numpy as np; from PIL import Image; a=np.array(Image.open('$sheet').convert('L')); a[4:68,4:68].tofile('$raw')"
        [IO.File]::ReadAllBytes($raw) | Should -Be $first
    }

    It 'refuses -Animate to a format that cannot animate' {
        { Export-DicomImage -SourcePath $Cine -Path (Join-Path $TestDrive 'x.jpg') -Animate -ErrorAction Stop } |
            Should -Throw -ErrorId 'AnimationFormatNotSupported,*'
    }
}
