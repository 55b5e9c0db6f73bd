# The README's pictures are what `build.ps1 Demo -UpdateReadmeImages` makes today (regenerated here and compared
# pixel for pixel, read back with PIL), and they show what their captions say: grey levels at known places of the
# phantom follow the window formula of PS3.3 C.11.2.1.2 for the phantom's Hounsfield units.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $hasPil = $false
    if (Test-Path /usr/bin/python3) { & /usr/bin/python3 -c 'import PIL' 2>$null; $hasPil = $LASTEXITCODE -eq 0 }
    $pictures = @(
        # x, y: heart (45 HU +-8) and right lung (-850 HU +-8) of the 512x512 phantom; expected grey from the formula.
        @{ File = 'phantom_minmax.png'; Center = 1000.5; Width = 4001 }
        @{ File = 'phantom_stored_window.png'; Center = 40; Width = 400 }
        @{ File = 'phantom_lung_preset.png'; Center = -600; Width = 1500 }
    )
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Committed = Join-Path $script:Root 'docs/images'
    $script:Fresh = Join-Path $TestDrive 'images'
    $process = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $process @prefix -NoProfile -NonInteractive -File (Join-Path $script:Root 'tools/demo/Demo.ps1') -ModulePath $ModulePath `
        -OutputDirectory (Join-Path $TestDrive 'demo') -ImageDirectory $script:Fresh *>&1 | Out-Null
    function Get-Grey([string]$Path, [int]$X, [int]$Y) {
        [int](& /usr/bin/python3 -c "import sys; from PIL import Image; print(Image.open(sys.argv[1]).convert('L').getpixel((int(sys.argv[2]), int(sys.argv[3]))))" $Path $X $Y)
    }
    function Get-WindowedGrey([double]$Hu, [double]$Center, [double]$Width) {
        # C.11.2.1.2 LINEAR to 0..255.
        $x = ($Hu - ($Center - 0.5)) / ($Width - 1) + 0.5
        [math]::Max(0, [math]::Min(255, $x * 255))
    }
}

Describe 'README install section' {
    It 'names this module''s GUID and version where it shows how to import ours and not the Gallery''s namesake' {
        $manifest = Import-PowerShellDataFile (Join-Path $Root 'DicomTools.psd1')
        $readme = Get-Content (Join-Path $Root 'README.md') -Raw
        $readme | Should -Match ([regex]::Escape("Guid = '$($manifest.GUID)'; ModuleVersion = '$($manifest.ModuleVersion)'"))
        $readme | Should -Match 'Install-PSResource DicomTools -Repository'
    }
}

Describe 'README pictures' {
    It 'the README shows <File>' -TestCases $pictures {
        param($File)
        (Get-Content (Join-Path $Root 'README.md') -Raw) | Should -Match ([regex]::Escape("docs/images/$File"))
        Join-Path $Committed $File | Should -Exist
    }

    It '<File> is what the demo makes today' -TestCases $pictures -Skip:(-not $hasPil) {
        param($File)
        $same = & /usr/bin/python3 -c "import sys; from PIL import Image; a, b = Image.open(sys.argv[1]), Image.open(sys.argv[2]); print(a.size == b.size and a.mode == b.mode and a.tobytes() == b.tobytes())" (Join-Path $Committed $File) (Join-Path $Fresh $File)
        $same | Should -Be 'True' -Because "docs/images/$File must be regenerated with: dotnet pwsh ./build.ps1 Demo -UpdateReadmeImages"
    }

    It '<File> shows heart and lung with the greys its window gives' -TestCases $pictures -Skip:(-not $hasPil) {
        param($File, $Center, $Width)
        $png = Join-Path $Committed $File
        foreach ($tissue in @{ Name = 'heart'; X = 256; Y = 262; Hu = 45 }, @{ Name = 'right lung'; X = 159; Y = 251; Hu = -850 }) {
            $low = Get-WindowedGrey ($tissue.Hu - 8) $Center $Width
            $high = Get-WindowedGrey ($tissue.Hu + 8) $Center $Width
            $grey = Get-Grey $png $tissue.X $tissue.Y
            $grey | Should -BeGreaterOrEqual ([math]::Floor($low)) -Because "$($tissue.Name) ($($tissue.Hu) HU) in window $Center/$Width"
            $grey | Should -BeLessOrEqual ([math]::Ceiling($high)) -Because "$($tissue.Name) ($($tissue.Hu) HU) in window $Center/$Width"
        }
    }
}
