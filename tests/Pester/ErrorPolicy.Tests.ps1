# One policy for every failure met while working on a file (Commands/ErrorPolicy.cs): our own problems carry their
# stable id, file-system failures get the usual ids, and anything else is a bug in DicomTools, reported as a
# non-terminating UnexpectedError (NotSpecified) that keeps the whole exception, after which the next file is
# processed: the same in the serial cmdlets and the parallel ones.

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $ModulePath -Force
    $assembly = [DicomTools.GetDicomInfoCommand].Assembly
    $nonPublicStatic = [Reflection.BindingFlags]'Static,NonPublic,Public'
    # Internal test hook: the per-file work of the named file throws InvalidOperationException, as a bug would.
    $script:hook = $assembly.GetType('DicomTools.Commands.TestHooks', $true).GetField('FailOnFileName', $nonPublicStatic)
    $script:classify = $assembly.GetType('DicomTools.Commands.ErrorPolicy', $true).GetMethod('Classify', $nonPublicStatic)
    $script:files = foreach ($name in 'a.dcm', 'b.dcm', 'c.dcm') {
        $p = Join-Path $TestDrive $name
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Create(16, 0, $null, $null).WriteFile($p)
        $p
    }
}

Describe 'Error policy' {
    AfterEach {
        $hook.SetValue($null, $null)
    }

    It 'classifies <Type> as <Id> (<Category>)' -TestCases @(
        @{ Type = 'DicomReadException'; Make = { [DicomTools.DicomReadException]::new('x', -1, $null, $null) }; Id = 'DicomReadError'; Category = 'InvalidData' }
        @{ Type = 'CodecException'; Make = { [DicomTools.CodecException]::new('x') }; Id = 'PixelDecodeError'; Category = 'InvalidData' }
        @{ Type = 'PixelDataException'; Make = { [DicomTools.PixelDataException]::new('x') }; Id = 'PixelDataError'; Category = 'InvalidData' }
        @{ Type = 'DisplaySettingsException'; Make = { [DicomTools.DisplaySettingsException]::new('x') }; Id = 'InvalidDisplaySettings'; Category = 'InvalidArgument' }
        @{ Type = 'OutputExistsException'; Make = { [DicomTools.OutputExistsException]::new('/x.png') }; Id = 'OutputExists'; Category = 'ResourceExists' }
        @{ Type = 'UnsupportedOutputException'; Make = { [DicomTools.UnsupportedOutputException]::new('x') }; Id = 'NotSupported'; Category = 'InvalidOperation' }
        @{ Type = 'UnauthorizedAccessException'; Make = { [UnauthorizedAccessException]::new('x') }; Id = 'FileAccessDenied'; Category = 'PermissionDenied' }
        @{ Type = 'FileNotFoundException'; Make = { [IO.FileNotFoundException]::new('x') }; Id = 'PathNotFound'; Category = 'ObjectNotFound' }
        @{ Type = 'IOException'; Make = { [IO.IOException]::new('x') }; Id = 'FileError'; Category = 'ReadError' }
        @{ Type = 'ArgumentException'; Make = { [ArgumentException]::new('x') }; Id = 'UnexpectedError'; Category = 'NotSpecified' }
        @{ Type = 'NullReferenceException'; Make = { [NullReferenceException]::new('x') }; Id = 'UnexpectedError'; Category = 'NotSpecified' }
    ) {
        $result = $classify.Invoke($null, @(& $Make))
        $result.Item1 | Should -Be $Id
        "$($result.Item2)" | Should -Be $Category
    }

    It '<Command> (<Mode>) reports a failing file as UnexpectedError and still writes the files before and after it' -TestCases @(
        @{ Command = 'Get-DicomInfo'; Mode = 'serial'; Params = @{} }
        @{ Command = 'Get-DicomPixelData'; Mode = 'parallel, default workers'; Params = @{} }
        @{ Command = 'ConvertTo-WindowedImage'; Mode = 'parallel, 1 worker'; Params = @{ ThrottleLimit = 1 } }
        @{ Command = 'ConvertTo-WindowedImage'; Mode = 'parallel, 4 workers'; Params = @{ ThrottleLimit = 4 } }
        @{ Command = 'Export-DicomImage'; Mode = 'parallel, 4 workers'; Params = @{ ThrottleLimit = 4; PassThru = $true } }
    ) {
        $hook.SetValue($null, 'b.dcm')
        $arguments = New-FileCommandArguments $Command $files $Params
        $errors = $null
        $output = & $Command @arguments -ErrorVariable errors -ErrorAction SilentlyContinue

        # The pipeline went on: the other two files came out, in input order.
        $names = foreach ($o in $output) { if ($o -is [IO.FileInfo]) { $o.BaseName } else { [IO.Path]::GetFileNameWithoutExtension($o.Path) } }
        $names | Should -Be @('a', 'c')
        $errors.Count | Should -Be 1
        $record = $errors[0]
        $commandType = (Get-Command $Command).ImplementingType.FullName
        $record.FullyQualifiedErrorId | Should -Be "UnexpectedError,$commandType"
        $record.CategoryInfo.Category | Should -Be 'NotSpecified'
        $record.TargetObject | Should -Be $files[1]
        $record.ToString() | Should -BeLike "*b.dcm*injected failure*"
        # The whole exception is kept, so $Error[0].Exception.StackTrace shows where the bug is.
        $record.Exception | Should -BeOfType [InvalidOperationException]
        $record.Exception.StackTrace | Should -Match 'TestHooks'
    }

    It 'leaves -ErrorAction Stop in charge: <Command> stops at the failing file' -TestCases @(
        @{ Command = 'Get-DicomInfo' }
        @{ Command = 'ConvertTo-WindowedImage' }
    ) {
        $hook.SetValue($null, 'b.dcm')
        { & $Command -LiteralPath $files -ErrorAction Stop } | Should -Throw -ErrorId "UnexpectedError,*"
    }
}
