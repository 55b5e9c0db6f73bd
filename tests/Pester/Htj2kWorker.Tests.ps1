# HTJ2K frames are decoded in a worker process (Codecs/Jpeg2000/OpenJpegWorkerPool.cs), because Debian's OpenJPEG
# 2.5.0 ends its process on some damaged HT code-blocks. Here, through the cmdlets: a damaged frame is a per-file
# PixelDecoderCrashed error naming the file, the files after it decode, the session survives, and no worker outlives
# the session that started it, whether it exits or is killed. The damaged fixtures abort opj_decompress
# (tests/fixtures/jpeg2000/make_damaged_htj2k.py; checked in OpenJpegWorkerTests).

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $script:fixtures = (Resolve-Path (Join-Path $PSScriptRoot '../fixtures/jpeg2000')).Path
    $script:damagedA = Join-Path $fixtures 'damaged-htj2k-mel-a.dcm'
    $script:damagedB = Join-Path $fixtures 'damaged-htj2k-mel-b.dcm'
    $script:valid = Join-Path $fixtures 'rgb8.htj2k.dcm'
    $script:validGrey = Join-Path $fixtures 'u12.htj2k.dcm'

    # Worker processes whose parent is $ParentId (Linux: /proc).
    function Get-WorkerId([int]$ParentId) {
        foreach ($stat in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
            try {
                $fields = (Get-Content -Raw -LiteralPath "$($stat.FullName)/stat" -ErrorAction Stop) -replace '^.*\) ', '' -split ' '
                $commandLine = (Get-Content -Raw -LiteralPath "$($stat.FullName)/cmdline" -ErrorAction Stop) -replace "`0", ' '
                if (($ParentId -eq 0 -or [int]$fields[1] -eq $ParentId) -and $commandLine -match '--openjpeg-worker') { [int]$stat.Name }
            } catch { }
        }
    }
}

Describe 'HTJ2K frames that crash OpenJPEG' {
    It '<Command> reports each damaged file as PixelDecoderCrashed and decodes the files after it' -TestCases @(
        @{ Command = 'Get-DicomPixelData'; Params = @{} }
        @{ Command = 'Get-DicomPixelData'; Params = @{ ThrottleLimit = 4 } }
        @{ Command = 'Export-DicomImage'; Params = @{ ThrottleLimit = 4; PassThru = $true } }
    ) {
        $files = $damagedA, $valid, $damagedB, $validGrey
        $arguments = New-FileCommandArguments $Command $files $Params
        $errors = $null
        $output = @(& $Command @arguments -ErrorVariable errors -ErrorAction SilentlyContinue)

        $errors.Count | Should -Be 2
        foreach ($record in $errors) {
            $record.FullyQualifiedErrorId | Should -BeLike 'PixelDecoderCrashed,*'
            "$($record.CategoryInfo.Category)" | Should -Be 'InvalidData'
            $record.ToString() | Should -Match 'damaged-htj2k-mel-[ab]\.dcm: frame 0: .*OpenJPEG crashed on damaged data'
        }
        ($errors.TargetObject | ForEach-Object { Split-Path -Leaf "$_" } | Sort-Object) -join ',' | Should -Be 'damaged-htj2k-mel-a.dcm,damaged-htj2k-mel-b.dcm'
        $output.Count | Should -Be 2
    }

    It 'decodes the valid file after a crash bit for bit as the encoder''s input' {
        $null = Get-DicomPixelData -LiteralPath $damagedA -ErrorAction SilentlyContinue
        $decoded = Get-DicomPixelData -LiteralPath $valid
        $source = Get-DicomPixelData -LiteralPath (Join-Path $fixtures 'rgb8.source.dcm')
        [Linq.Enumerable]::SequenceEqual([byte[]]$decoded.Pixels, [byte[]]$source.Pixels) | Should -BeTrue
    }

    It 'leaves no worker behind when the session that started it <Ending>' -Skip:(-not $IsLinux) -TestCases @(
        @{ Ending = 'exits after a stopped pipeline'; Kill = $false }
        @{ Ending = 'is killed'; Kill = $true }
    ) {
        $script = "Import-Module '$ModulePath'; " +
            "Get-DicomPixelData -LiteralPath '$validGrey', '$valid', '$validGrey' -ThrottleLimit 2 | Select-Object -First 1 | Out-Null; " +
            "Get-DicomPixelData -LiteralPath '$damagedA' -ErrorAction SilentlyContinue; " +
            "[Console]::Out.WriteLine('ready'); [Console]::Out.Flush(); " +
            $(if ($Kill) { 'Start-Sleep 120' } else { '[Console]::In.ReadLine() | Out-Null' })
        $host_ = [Environment]::ProcessPath
        $start = [Diagnostics.ProcessStartInfo]::new($host_)
        if ((Split-Path -Leaf $host_) -match '^dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $script) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardInput = $true
        $start.UseShellExecute = $false
        $child = [Diagnostics.Process]::Start($start)
        try {
            $line = $child.StandardOutput.ReadLineAsync()
            $line.Wait([TimeSpan]::FromSeconds(120)) | Should -BeTrue -Because 'the child session should have decoded its frames'
            $line.Result | Should -Be 'ready'
            $workers = @(Get-WorkerId -ParentId $child.Id)
            $workers.Count | Should -BeGreaterThan 0 -Because 'the child session decoded HTJ2K frames in workers'
            if ($Kill) { $child.Kill() } else { $child.StandardInput.WriteLine('go'); $child.StandardInput.Close() }
            $child.WaitForExit(60000) | Should -BeTrue
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            do {
                $left = @($workers | Where-Object { Test-Path "/proc/$_/cmdline" } | Where-Object { (Get-Content -Raw "/proc/$_/cmdline" -ErrorAction SilentlyContinue) -match '--openjpeg-worker' })
                if ($left.Count -eq 0) { break }
                Start-Sleep -Milliseconds 200
            } while ([DateTime]::UtcNow -lt $deadline)
            $left.Count | Should -Be 0 -Because "worker(s) $($left -join ', ') should exit when their session ends"
        } finally {
            if (-not $child.HasExited) { $child.Kill() }
            $child.Dispose()
        }
    }
}
