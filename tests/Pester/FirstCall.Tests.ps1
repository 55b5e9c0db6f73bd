# What our code costs the first time it runs in a new shell (issue #14, docs/performance.md "Start-up: our own first
# call"): counts, never times. A child shell with its own empty cache (no start-up profile replayed) imports the
# module and exports one JPEG lossless CT slice, as bench job (a) does; the runtime lists every method its JIT
# compiles (DOTNET_JitDisasmSummary), and the child reports what the export added: methods of ours (or generics over
# our types) left to the JIT, native libraries mapped, assemblies loaded. Tier-1 recompilations of code already
# running are left out of the count: how many happen during the export depends on the machine's speed.

BeforeDiscovery {
    $script:Precompiled = $IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64' -and
        [Environment]::Version.Major -ge 10
    $script:HasDcmcjpeg = $null -ne (Get-Command dcmcjpeg -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    function Invoke-FirstExport {
        $native = Join-Path $TestDrive 'native.dcm'
        $ct = Join-Path $TestDrive 'ct-lossless.dcm'
        Import-Module $script:ModulePath
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write($native, 128, 0, '2.25.1', '2.25.2')
        & dcmcjpeg +e1 $native $ct
        $jitLog = Join-Path $TestDrive 'jit.txt'
        $probe = @"
Import-Module '$script:ModulePath'
`$maps = [IO.File]::ReadAllText('/proc/self/maps')
`$assemblies = [AppDomain]::CurrentDomain.GetAssemblies().ForEach({ `$_.GetName().Name })
`$skip = [IO.File]::ReadAllLines('$jitLog').Count
Export-DicomImage -SourcePath '$ct' -Path '$(Join-Path $TestDrive 'ct.png')' -Force
`$jit = [IO.File]::ReadAllLines('$jitLog') | Select-Object -Skip `$skip
`$libraries = [IO.File]::ReadAllLines('/proc/self/maps').ForEach({ `$_.Split(' ')[-1] }) | Where-Object { `$_ -like '/*.so*' -and -not `$maps.Contains(`$_) }
[pscustomobject]@{
    Ours = @(`$jit -match 'DicomTools' -notmatch 'Tier1')
    Libraries = @(`$libraries | Sort-Object -Unique)
    Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies().ForEach({ `$_.GetName().Name }) | Where-Object { `$_ -notin `$assemblies })
} | ConvertTo-Json -Compress
"@
        $saved = @{}
        $variables = @{
            DOTNET_JitDisasmSummary = '1'
            DOTNET_JitStdOutFile    = $jitLog
            XDG_CACHE_HOME          = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'cache')).FullName
        }
        try {
            foreach ($name in $variables.Keys) {
                $saved[$name] = [Environment]::GetEnvironmentVariable($name)
                [Environment]::SetEnvironmentVariable($name, $variables[$name])
            }
            $pwsh = [Environment]::ProcessPath
            [string[]]$hostArguments = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
            $json = & $pwsh @hostArguments -NoProfile -NonInteractive -Command $probe | Select-Object -Last 1
        }
        finally {
            foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $json | ConvertFrom-Json
    }
}

Describe 'First export in a new shell' -Skip:(-not ($script:Precompiled -and $script:HasDcmcjpeg)) {
    BeforeAll {
        $script:FirstExport = Invoke-FirstExport
    }

    It 'leaves few of our methods to the JIT (crossgen compiles the runtime''s generics over our types)' {
        # 71 before the csproj's PublishReadyToRunCrossgen2ExtraArgs and the first-call changes, 23 after
        # (2026-12-05, PowerShell 7.6.9 on .NET 10.0.12).
        $ours = @($script:FirstExport.Ours)
        $ours.Count | Should -BeLessOrEqual 35 -Because "the first export JIT-compiled these of ours:`n$($ours -join "`n")"
    }

    It 'does not compile DicomInfo''s constructor with the JIT (DateTime and TimeSpan kept out of it)' {
        @($script:FirstExport.Ours) -match 'DicomTools\.DicomInfo:\.ctor' | Should -BeNullOrEmpty
    }

    It 'does not load OpenSSL for the temporary file''s name' {
        @($script:FirstExport.Libraries) -match 'libssl|libcrypto|Cryptography' | Should -BeNullOrEmpty
    }

    It 'does not load ImageSharp for a PNG' {
        @($script:FirstExport.Assemblies) | Should -Not -Contain 'SixLabors.ImageSharp'
    }
}
