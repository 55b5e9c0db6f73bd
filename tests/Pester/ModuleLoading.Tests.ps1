# The module folder holds one net8.0 DicomTools.dll, the manifest's binary RootModule (no loader script), precompiled
# (ReadyToRun) by the .NET 10 crossgen: PowerShell 7.6 (.NET 10) uses that code, PowerShell 7.4 and 7.5 (.NET 8 and 9)
# load the same file and run its IL. Only PowerShell 7.6 is installed here, so the .NET 8 half is proved by a
# self-contained .NET 8 program (tests/Net8Check) that runs the module's own DLL.

BeforeDiscovery {
    # build.ps1 precompiles when it runs on PowerShell 7.6 / .NET 10 on one of these platforms (the same test below).
    $arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture
    $script:Precompiled = [Environment]::Version.Major -eq 10 -and ($IsLinux -or $IsWindows -or $IsMacOS) -and $arch -in 'X64', 'Arm64'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture
    $script:Precompiled = [Environment]::Version.Major -eq 10 -and ($IsLinux -or $IsWindows -or $IsMacOS) -and $arch -in 'X64', 'Arm64'
    $script:ModuleRoot = Split-Path (Resolve-Path $script:ModulePath).Path
    $script:Dll = Join-Path $script:ModuleRoot 'DicomTools.dll'
    $script:Pwsh = [Environment]::ProcessPath
    [string[]]$script:PwshArgs = if ([IO.Path]::GetFileNameWithoutExtension($script:Pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }

    function Invoke-ChildShell([string]$Script, [hashtable]$Environment = @{}) {
        # A new shell of this PowerShell, with extra environment variables for its lifetime only.
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        try {
            $hostArguments = $script:PwshArgs
            & $script:Pwsh @hostArguments -NoProfile -NonInteractive -Command $Script
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    Import-Module $script:ModulePath
    $script:Phantom = Join-Path $TestDrive 'phantom.dcm'
    (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($script:Phantom, 64, 3, $null, $null)
}

Describe 'Module loading' {
    It 'is one net8.0 assembly in the module folder, imported as the manifest''s binary RootModule' {
        (Import-PowerShellDataFile $script:ModulePath).RootModule | Should -Be 'DicomTools.dll'
        @(Get-ChildItem -LiteralPath $script:ModuleRoot -Filter *.psm1) | Should -BeNullOrEmpty -Because 'no loader script: it cost a new shell about 500 JIT-compiled methods'
        @(Get-ChildItem -LiteralPath $script:ModuleRoot -Recurse -Filter DicomTools.dll).FullName | Should -Be @($script:Dll)
        $output = Invoke-ChildShell ("Import-Module '$script:ModulePath'; `$m = Get-Module DicomTools; 'TYPE=' + `$m.ModuleType; " +
            "`$a = (Get-Command Get-DicomInfo).ImplementingType.Assembly; 'LOCATION=' + `$a.Location; " +
            "'FRAMEWORK=' + [Attribute]::GetCustomAttribute(`$a, [Runtime.Versioning.TargetFrameworkAttribute]).FrameworkName; " +
            "'COMMANDS=' + ((Get-Command -Module DicomTools).Name -join ',')")
        $output | Should -Contain 'TYPE=Binary'
        $output | Should -Contain "LOCATION=$script:Dll"
        $output | Should -Contain 'FRAMEWORK=.NETCoreApp,Version=v8.0' -Because 'net8.0 IL loads on .NET 8 (PowerShell 7.4 LTS), 9 and 10'
        $expected = (Import-PowerShellDataFile $script:ModulePath).CmdletsToExport
        (($output | Where-Object { $_ -like 'COMMANDS=*' }) -replace '^COMMANDS=') -split ',' | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'is precompiled (ReadyToRun) for this platform' -Skip:(-not $script:Precompiled) {
        $stream = [IO.File]::OpenRead($script:Dll)
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because 'a ReadyToRun image has a managed native header'
        }
        finally {
            $stream.Dispose()
        }
    }

    It 'has its precompiled code used by PowerShell 7.6: import and a first export JIT-compile few methods of ours' -Skip:(-not $script:Precompiled) {
        # PE headers say an image is ReadyToRun; only the runtime says whether it accepted the code (it rejects code
        # from another major version's crossgen, and code compiled against types whose layout differs). The JIT's own
        # list of what it compiled names every method; ours are in the DicomTools namespace. Without the precompiled
        # code this command compiles several hundred of ours. (With the list on, the release runtime may print
        # "free(): invalid pointer" as the process ends, after the list is written: stderr is dropped.)
        $list = Join-Path $TestDrive 'jit.txt'
        Invoke-ChildShell "Import-Module '$script:ModulePath'; Export-DicomImage -SourcePath '$script:Phantom' -Path '$(Join-Path $TestDrive 'jit.png')' -Force" `
            @{ DOTNET_JitDisasmSummary = '1'; DOTNET_JitStdOutFile = $list } 2>$null | Out-Null
        $all = @(Get-Content $list | ForEach-Object { if ($_ -match 'JIT compiled (\S+)') { $Matches[1] } } | Sort-Object -Unique)
        $all.Count | Should -BeGreaterThan 1000 -Because 'the list is complete (PowerShell itself compiles thousands)'
        $ours = @($all | Where-Object { $_ -like 'DicomTools.*' })
        $ours.Count | Should -BeLessThan 60 -Because "the precompiled code should leave little of ours to the JIT; compiled: $($ours -join ', ')"
    }

    It 'loads on .NET 8 (the runtime of PowerShell 7.4 LTS): the same DLL renders the same pixels, PNG and JPEG included' {
        # tests/Net8Check, self-contained on .NET 8, with the module's own DicomTools.dll (and ImageSharp) in place of
        # the ones built beside it.
        $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $publish = Join-Path $TestDrive 'net8check'
        $project = Join-Path $PSScriptRoot '../Net8Check/Net8Check.csproj'
        $build = & dotnet publish $project -c Release -r $rid -o $publish --nologo -v quiet 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "the .NET 8 program builds: $($build -join "`n")"
        Copy-Item -LiteralPath $script:Dll, (Join-Path $script:ModuleRoot 'SixLabors.ImageSharp.dll') -Destination $publish -Force
        $images = Join-Path $TestDrive 'net8images'
        New-Item -ItemType Directory -Path $images | Out-Null
        $output = & (Join-Path $publish 'Net8Check') $script:Phantom $images
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $values = @{}
        foreach ($line in $output) { $key, $value = $line -split '=', 2; $values[$key] = $value }
        $values.RUNTIME | Should -BeLike '8.*' -Because 'the program runs on .NET 8, not the .NET 10 installed here'
        $values.LOCATION | Should -Be (Join-Path $publish 'DicomTools.dll')
        $values.READYTORUN | Should -Be ([string]$script:Precompiled) -Because 'the image .NET 8 ran is the module''s precompiled one'
        $values.EXACTLEVELS | Should -Be 'False' -Because '.NET 8 has no ZLibCompressionOptions: the named levels are used'
        $expected = [Convert]::ToBase64String((ConvertTo-WindowedImage -LiteralPath $script:Phantom).Pixels)
        $values.PIXELS | Should -Be $expected -Because 'PowerShell 7.6 renders the same pixels from the same DLL'
        # The PNG .NET 8 wrote (other deflate bytes, same pixels) and the JPEG ImageSharp wrote, read back by ImageSharp.
        Add-Type -Path (Join-Path $script:ModuleRoot 'SixLabors.ImageSharp.dll')
        $png = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.L8]((Join-Path $images 'net8.png'))
        try {
            $pixels = [byte[]]::new($png.Width * $png.Height)
            for ($y = 0; $y -lt $png.Height; $y++) { for ($x = 0; $x -lt $png.Width; $x++) { $pixels[$y * $png.Width + $x] = $png[$x, $y].PackedValue } }
            [Convert]::ToBase64String($pixels) | Should -Be $expected
        }
        finally { $png.Dispose() }
        $jpeg = [SixLabors.ImageSharp.Image]::Identify((Join-Path $images 'net8.jpg'))
        "$($jpeg.Width)x$($jpeg.Height)" | Should -Be '64x64'
    }

    It 'finds ImageSharp in the module folder for a JPEG export in a new shell' {
        $jpeg = Join-Path $TestDrive 'imagesharp.jpg'
        $output = Invoke-ChildShell ("Import-Module '$script:ModulePath'; Export-DicomImage -SourcePath '$script:Phantom' -Path '$jpeg' -Force; " +
            "'IMAGESHARP=' + [AppDomain]::CurrentDomain.GetAssemblies().Where({ `$_.GetName().Name -eq 'SixLabors.ImageSharp' }).Location")
        $output | Should -Contain "IMAGESHARP=$(Join-Path $script:ModuleRoot 'SixLabors.ImageSharp.dll')"
        [BitConverter]::ToString([IO.File]::ReadAllBytes($jpeg), 0, 3) | Should -Be 'FF-D8-FF'
    }

    It 'fails with PowerShell''s own error naming DicomTools.dll and the manifest when the DLL is missing' {
        # No loader script to word a friendlier one: a script is what a new shell paid for at every import.
        $copy = Join-Path $TestDrive 'incomplete/DicomTools'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item -LiteralPath $script:ModulePath, (Join-Path $script:ModuleRoot 'DicomTools.format.ps1xml') -Destination $copy
        $message = Invoke-ChildShell "try { Import-Module '$copy/DicomTools.psd1' -ErrorAction Stop; 'IMPORTED' } catch { `$_.Exception.Message }"
        "$message" | Should -BeLike "*'DicomTools.dll'*$copy/DicomTools.psd1*"
    }
}
