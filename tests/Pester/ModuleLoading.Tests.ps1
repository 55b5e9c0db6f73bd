# The module folder holds a net8.0 build (PowerShell 7.4/7.5) and a net10.0 build (7.6+, precompiled), and
# DicomTools.psm1 picks the one for the running .NET. Only PowerShell 7.6 runs here, so the net8.0 build is loaded
# through DICOMTOOLS_FRAMEWORK in a child shell: same cmdlets, same pixels.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:ModuleRoot = Split-Path $script:ModulePath
    $script:Pwsh = [Environment]::ProcessPath
    [string[]]$script:PwshArgs = if ([IO.Path]::GetFileNameWithoutExtension($script:Pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }

    function Invoke-ChildShell([string]$Script, [string]$Framework) {
        $saved = $env:DICOMTOOLS_FRAMEWORK
        try {
            $env:DICOMTOOLS_FRAMEWORK = $Framework
            $hostArguments = $script:PwshArgs
            & $script:Pwsh @hostArguments -NoProfile -NonInteractive -Command $Script
        }
        finally {
            $env:DICOMTOOLS_FRAMEWORK = $saved
        }
    }
}

Describe 'Module loading' {
    It 'loads the build made for the running .NET (net10.0 under PowerShell 7.6)' {
        $location = Invoke-ChildShell "Import-Module '$script:ModulePath'; (Get-Command Get-DicomInfo).ImplementingType.Assembly.Location" ''
        $expected = if ([Environment]::Version.Major -ge 10) { 'net10.0' } else { 'net8.0' }
        Split-Path (Split-Path $location) -Leaf | Should -Be $expected
    }

    It 'ships the net10.0 build precompiled (ReadyToRun) for this platform' -Skip:(-not ($IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64')) {
        $dll = Join-Path $script:ModuleRoot 'net10.0/DicomTools.dll'
        $stream = [IO.File]::OpenRead($dll)
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because 'a ReadyToRun image has a managed native header'
        }
        finally {
            $stream.Dispose()
        }
    }

    It 'uses the net10.0 build''s precompiled code: a first export JIT-compiles under half the methods the net8.0 build needs' -Skip:(-not ($IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64')) {
        # PE headers say an image is ReadyToRun; only the runtime says whether it accepted the code (it rejects code
        # from another major version's crossgen). JitInfo counts the methods compiled in this process.
        $file = Join-Path $TestDrive 'jit.dcm'
        Import-Module $script:ModulePath
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($file, 64, 1, $null, $null)
        $probe = "Import-Module '$script:ModulePath'; `$before = [Runtime.JitInfo]::GetCompiledMethodCount(`$false); " +
            "Export-DicomImage -SourcePath '$file' -Path '$(Join-Path $TestDrive 'jit.png')' -Force; " +
            "[Runtime.JitInfo]::GetCompiledMethodCount(`$false) - `$before"
        $net8 = [int](Invoke-ChildShell $probe 'net8.0' | Select-Object -Last 1)
        $net10 = [int](Invoke-ChildShell $probe 'net10.0' | Select-Object -Last 1)
        $net8 | Should -BeGreaterThan 300 -Because 'the IL-only build compiles our own code on first use'
        $net10 | Should -BeLessThan ($net8 / 2) -Because "the precompiled build should leave little to the JIT (net8.0: $net8 methods, net10.0: $net10)"
    }

    It 'exports the same cmdlets from both builds, and the net8.0 build renders the same pixels' {
        $file = Join-Path $TestDrive 'phantom.dcm'
        Import-Module $script:ModulePath
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($file, 64, 3, $null, $null)
        $probe = "Import-Module '$script:ModulePath'; " +
            "(Get-Command -Module DicomTools).Name -join ','; " +
            "(Get-Command Get-DicomInfo).ImplementingType.Assembly.Location; " +
            "[Convert]::ToBase64String((ConvertTo-WindowedImage -LiteralPath '$file').Pixels)"
        $net8 = @(Invoke-ChildShell $probe 'net8.0')
        $net10 = @(Invoke-ChildShell $probe 'net10.0')
        $net8[1] | Should -BeLike '*net8.0*DicomTools.dll'
        $net10[1] | Should -BeLike '*net10.0*DicomTools.dll'
        $net8[0] | Should -Be $net10[0]
        $net8[0] -split ',' | Should -Contain 'Get-DicomInfo'
        $net8[2] | Should -Be $net10[2]
        $net8[2].Length | Should -BeGreaterThan 1000
    }

    It 'names the missing folder when a build is absent' {
        $message = Invoke-ChildShell "try { Import-Module '$script:ModulePath' -ErrorAction Stop } catch { `$_.Exception.Message }" 'net99.0'
        "$message" | Should -BeLike "*net99.0*DicomTools.dll*missing*"
    }
}
