# The way PowerShell users install modules: the built module packed by tools/package/New-ModulePackage.ps1 (what
# build.ps1 Package runs), installed with Install-PSResource from a temporary folder repository and imported BY NAME
# in a new shell. Every child shell gets a temporary HOME and no inherited PSModulePath, so the user's own
# repositories and module folders are neither used nor changed. Also: a native codec placed in the module's
# runtimes/<rid>/native folder is the one loaded.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    $onLinux = $IsLinux
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ModuleFolder = Split-Path (Resolve-Path $script:ModulePath).Path
    $script:FakeHome = Join-Path $TestDrive 'home'
    $script:Repository = Join-Path $TestDrive 'repository'
    New-Item -ItemType Directory -Path $script:FakeHome, $script:Repository | Out-Null

    function Invoke-NewShell([string]$Script) {
        # A new pwsh of this version with an empty HOME of its own; output lines come back, and the exit code must be 0.
        $saved = @{}
        foreach ($name in 'HOME', 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            $env:HOME = $script:FakeHome
            foreach ($name in 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { [Environment]::SetEnvironmentVariable($name, $null) }
            $process = [Environment]::ProcessPath
            $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
            $output = & $process @prefix -NoProfile -NonInteractive -Command "`$ErrorActionPreference = 'Stop'; $Script" 2>&1 | ForEach-Object { "$_" }
            $LASTEXITCODE | Should -Be 0 -Because "the new shell ran: $Script`n$($output -join "`n")"
            $output
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    $packer = Join-Path $script:Root 'tools/package/New-ModulePackage.ps1'
    $script:PackOutput = Invoke-NewShell "(& '$packer' -ModuleFolder '$($script:ModuleFolder)' -OutputDirectory '$($script:Repository)' -WarningAction SilentlyContinue).FullName"
    $script:Version = (Import-PowerShellDataFile (Join-Path $script:Root 'DicomTools.psd1')).ModuleVersion
    $script:Package = Join-Path $script:Repository "DicomTools.$($script:Version).nupkg"

    Add-Type -AssemblyName System.IO.Compression.FileSystem
    function Get-PackageEntries {
        $zip = [IO.Compression.ZipFile]::OpenRead($script:Package)
        try { @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
    }
    function Read-PackageEntry([string]$Name) {
        $zip = [IO.Compression.ZipFile]::OpenRead($script:Package)
        try {
            $reader = [IO.StreamReader]::new($zip.GetEntry($Name).Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }
}

Describe 'The module package' {
    It 'is written as DicomTools.<version>.nupkg with the version of DicomTools.psd1' {
        $script:Package | Should -Exist
        $script:PackOutput | Should -Contain $script:Package
        ([xml](Read-PackageEntry 'DicomTools.nuspec')).package.metadata.version | Should -Be $script:Version
    }

    It 'holds the manifest, format file, help, licence and exactly the assemblies DicomTools.dll loads' {
        $files = @(Get-PackageEntries | Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|DicomTools\.nuspec$)' })
        # The assemblies the module needs: ours (the manifest's RootModule) and every reference that is neither .NET
        # nor PowerShell itself, all at the top of the package.
        $manifest = Import-PowerShellDataFile (Join-Path $script:ModuleFolder 'DicomTools.psd1')
        $manifest.RootModule | Should -Be 'DicomTools.dll'
        $stream = [IO.File]::OpenRead((Join-Path $script:ModuleFolder 'DicomTools.dll'))
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $metadata = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $references = @($metadata.AssemblyReferences | ForEach-Object { $metadata.GetString($metadata.GetAssemblyReference($_).Name) })
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
        $needed = @($references | Where-Object { $_ -notmatch '^(System(\..*)?|Microsoft\..*|netstandard|mscorlib)$' } | ForEach-Object { "$_.dll" })
        $needed | Should -Contain 'SixLabors.ImageSharp.dll'
        $expected = @('DicomTools.dll') + $needed + 'DicomTools.psd1', 'DicomTools.format.ps1xml', 'en-US/DicomTools.dll-Help.xml', 'LICENSE'
        ($files | Sort-Object) -join ', ' | Should -Be (($expected | Sort-Object) -join ', ')
    }

    It 'carries a complete manifest: release notes from CHANGELOG.md, file list, tags, licence, editions, version' {
        $folder = Join-Path $TestDrive 'manifest/DicomTools'
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $folder 'DicomTools.psd1') -Value (Read-PackageEntry 'DicomTools.psd1') -NoNewline
        $manifest = Import-PowerShellDataFile (Join-Path $folder 'DicomTools.psd1')
        $changelog = (Get-Content (Join-Path $script:Root 'CHANGELOG.md') -Raw) -replace "`r", ''
        $top = [regex]::Match($changelog, '(?ms)^## \[(?<v>[^\]]+)\][^\n]*\n(?<body>.*?)(?=^## |\z)')
        $top.Groups['v'].Value | Should -Be $script:Version -Because 'the top CHANGELOG section describes this version'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Be $top.Groups['body'].Value.Trim()
        $manifest.ModuleVersion | Should -Be $script:Version
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'DICOM'
        $manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.FormatsToProcess | Should -Be @('DicomTools.format.ps1xml')
        $manifest.CmdletsToExport | Should -Contain 'Get-DicomInfo'
        $entries = @(Get-PackageEntries)
        foreach ($file in $manifest.FileList) { $entries | Should -Contain $file -Because 'FileList names only what the package holds' }
        # The assembly's version comes from the same place.
        foreach ($dll in Get-ChildItem -LiteralPath $script:ModuleFolder -Recurse -Filter DicomTools.dll) {
            [Reflection.AssemblyName]::GetAssemblyName($dll.FullName).Version.ToString(3) | Should -Be $script:Version
        }
    }

    It 'installs with Install-PSResource from a folder repository and imports by name in a new shell, help and demo included' {
        Invoke-NewShell "Register-PSResourceRepository -Name DicomToolsLocal -Uri '$($script:Repository)' -Trusted; Install-PSResource DicomTools -Repository DicomToolsLocal -Version $($script:Version) -Scope CurrentUser -TrustRepository -Quiet" | Out-Null
        $demoOut = Join-Path $TestDrive 'demo'
        $output = Invoke-NewShell @"
Import-Module DicomTools
`$module = Get-Module DicomTools
'BASE=' + `$module.ModuleBase
'VERSION=' + `$module.Version
'EXAMPLES=' + @((Get-Help Get-DicomInfo -Examples).examples.example).Count
& '$($script:Root)/tools/demo/Demo.ps1' -ModulePath DicomTools -OutputDirectory '$demoOut' *>&1 | Out-Null
'LOADED=' + ((Get-Module DicomTools).ModuleBase -eq `$module.ModuleBase)
# A JPEG export needs ImageSharp, which must resolve from the installed module's folder.
([DicomTools.DicomInfo].Assembly.GetType('DicomTools.Samples.CtPhantom', `$true))::Write('$demoOut/jpeg.dcm', 64, 0, `$null, `$null)
Export-DicomImage -SourcePath '$demoOut/jpeg.dcm' -Path '$demoOut/jpeg.jpg'
'IMAGESHARP=' + [IO.Path]::GetDirectoryName([AppDomain]::CurrentDomain.GetAssemblies().Where({ `$_.GetName().Name -eq 'SixLabors.ImageSharp' }).Location)
# The README's way to insist on this DicomTools where another module of the name is installed.
Remove-Module DicomTools
`$guid = (Import-PowerShellDataFile '$($script:Root)/DicomTools.psd1').GUID
Import-Module -FullyQualifiedName @{ ModuleName = 'DicomTools'; Guid = `$guid; ModuleVersion = '$($script:Version)' }
'BYGUID=' + ((Get-Module DicomTools).ModuleBase -eq `$module.ModuleBase) + ',' + [bool](Get-Command Get-DicomInfo -Module DicomTools)
"@
        $base = ($output | Where-Object { $_ -like 'BASE=*' }) -replace '^BASE='
        $base | Should -BeLike "$($script:FakeHome)*" -Because 'the module imported by name is the one Install-PSResource put under the (temporary) HOME'
        $output | Should -Contain "VERSION=$($script:Version)"
        [int](($output | Where-Object { $_ -like 'EXAMPLES=*' }) -replace '^EXAMPLES=') | Should -BeGreaterThan 0
        $output | Should -Contain 'LOADED=True'
        $output | Should -Contain "IMAGESHARP=$base"
        [BitConverter]::ToString([IO.File]::ReadAllBytes((Join-Path $demoOut 'jpeg.jpg')), 0, 3) | Should -Be 'FF-D8-FF'
        $output | Should -Contain 'BYGUID=True,True'
        Join-Path $base 'en-US/DicomTools.dll-Help.xml' | Should -Exist
        $pngs = @(Get-ChildItem -LiteralPath $demoOut -Filter *.png)
        $pngs.Count | Should -BeGreaterOrEqual 2 -Because 'the demo renders the phantom through the installed module'
        foreach ($png in $pngs) {
            $bytes = [IO.File]::ReadAllBytes($png.FullName)
            [BitConverter]::ToString($bytes, 0, 8) | Should -Be '89-50-4E-47-0D-0A-1A-0A' -Because "$($png.Name) is a PNG"
        }
    }
}

Describe 'Native codecs beside the module' -Skip:(-not $onLinux) {
    It 'loads libopenjp2 from the module''s runtimes/(rid)/native folder before the system''s' {
        $system = (& ldconfig -p | Select-String -SimpleMatch 'libopenjp2.so.7' | Select-Object -First 1)
        if (-not $system) { Set-ItResult -Skipped -Because 'libopenjp2.so.7 is not installed (apt-get install libopenjp2-7)'; return }
        $systemPath = ($system.Line -split '=>\s*')[1].Trim()
        $arch = [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        $copy = Join-Path $TestDrive 'modulecopy/DicomTools'
        Copy-Item -LiteralPath $script:ModuleFolder -Destination $copy -Recurse
        $native = Join-Path $copy "runtimes/linux-$arch/native"
        New-Item -ItemType Directory -Path $native | Out-Null
        Copy-Item -LiteralPath (Resolve-Path $systemPath).Path -Destination (Join-Path $native 'libopenjp2.so.7')
        # A JPEG 2000 file of our own: the phantom, encoded by OpenJPEG's command-line tool when present, else the corpus.
        $j2k = if ($CorpusPresent) { Join-Path $CorpusDir 'cswado__CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm' }
        if (-not $j2k -or -not (Test-Path $j2k)) { Set-ItResult -Skipped -Because $CorpusAbsentReason; return }
        $output = Invoke-NewShell @"
Import-Module '$copy/DicomTools.psd1'
`$px = Get-DicomPixelData -LiteralPath '$j2k'
'PIXELS=' + `$px.Pixels.Length
Get-Content /proc/self/maps | Where-Object { `$_ -match 'libopenjp2' } | ForEach-Object { 'MAP=' + (`$_ -split '\s+', 6)[5] } | Sort-Object -Unique
"@
        $output | Should -Contain 'PIXELS=262144'
        $maps = @($output | Where-Object { $_ -like 'MAP=*' } | ForEach-Object { $_ -replace '^MAP=' })
        $maps | Should -Contain (Join-Path $native 'libopenjp2.so.7') -Because 'the copy in the module folder is loaded'
        $maps.Count | Should -Be 1 -Because "only the module's copy is mapped, not also the system's ($($maps -join ', '))"

        # The packer carries the runtimes folder into the package.
        $packer = Join-Path $script:Root 'tools/package/New-ModulePackage.ps1'
        $packed = @(Invoke-NewShell "(& '$packer' -ModuleFolder '$copy' -OutputDirectory '$TestDrive/nativepack' -WarningAction SilentlyContinue).FullName")[-1]
        $zip = [IO.Compression.ZipFile]::OpenRead($packed)
        try { @($zip.Entries.FullName) | Should -Contain "runtimes/linux-$arch/native/libopenjp2.so.7" } finally { $zip.Dispose() }
    }
}
