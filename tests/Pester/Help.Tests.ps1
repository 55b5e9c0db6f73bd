# Get-Help for every exported cmdlet comes from our MAML (docs/help/*.md, converted by tools/help/ConvertTo-Maml.ps1)
# and agrees with the cmdlet's real metadata: every parameter documented, nothing documented that the code lacks, and
# type, mandatory, position, pipeline input, aliases, wildcards, accepted values and literal defaults as the code
# declares them. The examples in the markdown bind to real parameters and, with the shared corpus, run cleanly.

BeforeDiscovery {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $script:ModulePath -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $commands = @(Get-Command -Module DicomTools -CommandType Cmdlet)
    $commandCases = @($commands | ForEach-Object { @{ Name = $_.Name } })
    $parameterCases = @(foreach ($command in $commands) {
            foreach ($parameter in $command.Parameters.Values | Where-Object Name -notin $common) {
                @{ Command = $command.Name; Parameter = $parameter.Name }
            }
        })
    # Parameters with a closed set of values: an enum or a ValidateSet.
    $valueSetCases = @($parameterCases | Where-Object {
            $parameter = (Get-Command $_.Command).Parameters[$_.Parameter]
            $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
            $type.IsEnum -or ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
        })
    # Parameters whose help states a default a new cmdlet object can confirm: "None", a number, True/False, or the
    # processor count. Defaults described in words ("All frames") are checked by reading, and a few by the
    # 'Documented facts' tests below.
    $defaultCases = @($parameterCases | Where-Object {
            $command = Get-Command $_.Command
            $name = $_.Parameter
            $stated = "$((Get-Help $_.Command -Full).parameters.parameter | Where-Object name -eq $name | ForEach-Object defaultValue)"
            $command.ImplementingType.GetProperty($name) -and $stated -match '^(None\b|-?\d+(\.\d+)?$|True$|False$|The number of processors$)'
        })

    # The examples, straight from the markdown: one case per ### Example with its ```powershell code.
    $helpFolder = Join-Path $PSScriptRoot '../../docs/help'
    $exampleCases = @(foreach ($file in Get-ChildItem -LiteralPath $helpFolder -Filter *.md) {
            $text = (Get-Content -LiteralPath $file.FullName -Raw) -replace "`r", ''
            $section = (($text -split '(?m)^## EXAMPLES[ \t]*$', 2)[1] -split '(?m)^## ', 2)[0]
            foreach ($block in ($section -split '(?m)^### ' | Where-Object { $_.Trim() })) {
                $code = @([regex]::Matches($block, '(?ms)^```powershell[ \t]*\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }) -join "`n"
                @{ Command = $file.BaseName; Title = ($block -split "`n", 2)[0].Trim(); Code = $code }
            }
        })
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    Import-Module $script:ModulePath -Force
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters

    # What Get-Help shows for a cmdlet without MAML: its syntax as the synopsis, nothing else.
    function Test-Placeholder([string]$Text, [string]$CommandName) {
        # platyPS's own placeholders look like {{ Fill in the Synopsis }}.
        $Text -match '\[<CommonParameters>\]' -or $Text -match "^\s*$([regex]::Escape($CommandName))\s+\[?-" -or
        $Text -match '\{\{ ?(Fill|Add)\b'
    }

    function Get-ParaText($Paragraphs) { (@($Paragraphs) | ForEach-Object { $_.Text }) -join "`n" }

    # The type name the help shows: Nullable<T> is T (a nullable parameter is simply optional), arrays keep [].
    function Get-FriendlyTypeName([type]$Type) {
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { $Type = $underlying }
        $Type.Name
    }

    function Get-ParameterSetData($Parameter) {
        @($Parameter.ParameterSets.GetEnumerator() | ForEach-Object {
                [pscustomobject]@{
                    Set           = $_.Key
                    Mandatory     = $_.Value.IsMandatory
                    Position      = $_.Value.Position
                    ByValue       = $_.Value.ValueFromPipeline
                    ByPropertyName = $_.Value.ValueFromPipelineByPropertyName
                }
            })
    }

    function Format-Position([int]$Position) { if ($Position -eq [int]::MinValue) { 'named' } else { "$Position" } }

    function ConvertFrom-PipelineText([string]$Text) {
        # "True (ByValue, ByPropertyName)" -> the kinds named; "False" -> none.
        if ($Text -match '^\s*false\s*$') { return @() }
        if ($Text -notmatch '^\s*true\s*\(([^)]*)\)\s*$') { throw "pipelineInput '$Text' is neither False nor True (...)" }
        @($Matches[1] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Sort-Object)
    }
}

Describe 'Get-Help <Name>' -ForEach $commandCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name
        $codeParameters = @($command.Parameters.Values | Where-Object Name -notin $script:Common)
    }

    It 'comes from the module''s MAML file' {
        $help.PSTypeNames | Should -Contain 'MamlCommandHelpInfo'
        Split-Path -Leaf $command.HelpFile | Should -Be 'DicomTools.dll-Help.xml'
        Join-Path $command.Module.ModuleBase 'en-US/DicomTools.dll-Help.xml' | Should -Exist
    }

    It 'has a synopsis that is not the generated placeholder' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        Test-Placeholder $help.Synopsis $Name | Should -BeFalse -Because "the synopsis is '$($help.Synopsis)'"
        $help.Synopsis.Length | Should -BeGreaterThan 30
    }

    It 'has a description that is not a placeholder' {
        $description = Get-ParaText $help.description
        $description | Should -Not -BeNullOrEmpty
        Test-Placeholder $description $Name | Should -BeFalse
        $description.Length | Should -BeGreaterThan 200 -Because 'a description says what the cmdlet does and how'
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty -Because "$($example.title) needs code"
            $example.code | Should -Match $Name -Because "$($example.title) should use $Name"
            (Get-ParaText $example.remarks).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs an explanation"
        }
    }

    It 'documents every parameter of the cmdlet' {
        $documented = @($help.parameters.parameter | ForEach-Object name)
        foreach ($parameter in $codeParameters) {
            $documented | Should -Contain $parameter.Name -Because "-$($parameter.Name) is a parameter of $Name"
        }
    }

    It 'documents no parameter the cmdlet does not have' {
        foreach ($documented in @($help.parameters.parameter)) {
            $codeParameters.Name | Should -Contain $documented.name -Because "the help documents -$($documented.name)"
        }
    }

    It 'has one syntax per parameter set, with that set''s parameters, mandatory flags and positions' {
        $items = @($help.syntax.syntaxItem)
        $sets = @($command.ParameterSets)
        $items.Count | Should -Be $sets.Count
        foreach ($set in $sets) {
            $names = @($set.Parameters | Where-Object Name -notin $script:Common | ForEach-Object Name | Sort-Object)
            $matching = @($items | Where-Object { (@($_.parameter | ForEach-Object name | Sort-Object) -join ',') -eq ($names -join ',') })
            $matching.Count | Should -Be 1 -Because "parameter set '$($set.Name)' has $($names -join ', ')"
            foreach ($parameter in $set.Parameters | Where-Object Name -notin $script:Common) {
                $shown = $matching[0].parameter | Where-Object name -eq $parameter.Name
                $shown.required | Should -Be $parameter.IsMandatory.ToString().ToLowerInvariant() -Because "-$($parameter.Name) in set '$($set.Name)'"
                $shown.position | Should -Be (Format-Position $parameter.Position) -Because "-$($parameter.Name) in set '$($set.Name)'"
            }
        }
        # The default set is shown first, as Get-Command -Syntax does.
        if ($command.DefaultParameterSet) {
            $default = $command.ParameterSets | Where-Object Name -eq $command.DefaultParameterSet
            $first = @($items[0].parameter | ForEach-Object name | Sort-Object) -join ','
            $first | Should -Be (@($default.Parameters | Where-Object Name -notin $script:Common | ForEach-Object Name | Sort-Object) -join ',')
        }
    }

    It 'names the output types the cmdlet declares' {
        $documented = @($help.returnValues.returnValue | ForEach-Object { $_.type.name })
        foreach ($type in $command.OutputType) {
            $documented | Should -Contain $type.Name
        }
    }

    It 'names the type of every parameter that takes objects from the pipeline by value' {
        $documented = @($help.inputTypes.inputType | ForEach-Object { $_.type.name -replace '\[\]$', '' })
        foreach ($parameter in $codeParameters | Where-Object { $_.ParameterSets.Values.ValueFromPipeline -contains $true }) {
            $type = $parameter.ParameterType
            if ($type.IsArray) { $type = $type.GetElementType() }
            $documented | Should -Contain $type.FullName -Because "-$($parameter.Name) takes $($type.FullName) from the pipeline"
        }
    }

    It 'links to the other cmdlets of the module' {
        $links = @($help.relatedLinks.navigationLink | ForEach-Object linkText)
        foreach ($other in (Get-Command -Module DicomTools -CommandType Cmdlet | Where-Object Name -ne $Name)) {
            $links | Should -Contain $other.Name
        }
    }
}

Describe 'Get-Help <Command> -Parameter <Parameter>' -ForEach $parameterCases {
    BeforeAll {
        $command = Get-Command -Name $Command
        $code = $command.Parameters[$Parameter]
        $sets = Get-ParameterSetData $code
        $help = @((Get-Help -Name $Command -Full).parameters.parameter | Where-Object name -eq $Parameter)
        $doc = $help[0]
    }

    It 'is documented once, with a description' {
        $help.Count | Should -Be 1
        $text = Get-ParaText $doc.description
        $text.Trim() | Should -Not -BeNullOrEmpty
        Test-Placeholder $text $Command | Should -BeFalse
    }

    It 'has the type of the code' {
        $doc.type.name | Should -Be (Get-FriendlyTypeName $code.ParameterType)
    }

    It 'is required exactly when the code makes it mandatory' {
        $mandatory = [bool]($sets | Where-Object Mandatory)
        $doc.required | Should -Be $mandatory.ToString().ToLowerInvariant()
    }

    It 'has the position of the code' {
        $positions = @($sets | ForEach-Object { Format-Position $_.Position } | Sort-Object -Unique)
        $positions.Count | Should -Be 1 -Because 'a parameter with different positions in different sets needs one yaml block per set'
        $doc.position | Should -Be $positions[0]
    }

    It 'takes pipeline input as the code does' {
        $kinds = @()
        if ($sets | Where-Object ByValue) { $kinds += 'ByValue' }
        if ($sets | Where-Object ByPropertyName) { $kinds += 'ByPropertyName' }
        ConvertFrom-PipelineText $doc.pipelineInput | Should -Be @($kinds | Sort-Object)
    }

    It 'lists the aliases of the code' {
        $documented = if ($doc.aliases -eq 'none') { @() } else { @($doc.aliases -split ',' | ForEach-Object Trim) }
        @($documented | Sort-Object) | Should -Be @($code.Aliases | Sort-Object)
    }

    It 'accepts wildcards exactly when the code supports them' {
        $wildcards = [bool]($code.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $doc.globbing | Should -Be $wildcards.ToString().ToLowerInvariant()
    }

    It 'states a default value' {
        "$($doc.defaultValue)".Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'Accepted values of <Command> -<Parameter>' -ForEach $valueSetCases {
    It 'are the names of the enum or the ValidateSet, in order' {
        $code = (Get-Command -Name $Command).Parameters[$Parameter]
        $doc = (Get-Help -Name $Command -Full).parameters.parameter | Where-Object name -eq $Parameter
        $type = [Nullable]::GetUnderlyingType($code.ParameterType) ?? $code.ParameterType
        $validateSet = $code.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        $expected = if ($validateSet) { @($validateSet.ValidValues) } else { [Enum]::GetNames($type) }
        @($doc.parameterValueGroup.parameterValue | ForEach-Object { "$_" }) | Should -Be $expected
    }
}

Describe 'Default of <Command> -<Parameter>' -ForEach $defaultCases {
    It 'is the value a new cmdlet has' {
        $command = Get-Command -Name $Command
        $default = "$((Get-Help -Name $Command -Full).parameters.parameter | Where-Object name -eq $Parameter | ForEach-Object defaultValue)".Trim()
        $instance = [Activator]::CreateInstance($command.ImplementingType)
        try { $actual = $instance.$Parameter }
        finally { if ($instance -is [IDisposable]) { $instance.Dispose() } }
        if ($actual -is [System.Management.Automation.SwitchParameter]) { $actual = $actual.IsPresent }
        switch -Regex ($default) {
            '^None\b' {
                # No value: null, an empty array, or an enum's None.
                $isNone = $null -eq $actual -or ($actual -is [array] -and $actual.Count -eq 0) -or "$actual" -eq 'None'
                $isNone | Should -BeTrue -Because "the help says -$Parameter defaults to None, a new cmdlet has '$actual'"
            }
            '^The number of processors$' { $actual | Should -Be ([Environment]::ProcessorCount) }
            default { "$actual" | Should -Be $default }
        }
    }
}

Describe 'Documented facts that live in the code' {
    It 'lists every -Preset with the center and width of WindowPresets' {
        $doc = (Get-Help ConvertTo-WindowedImage -Full).parameters.parameter | Where-Object name -eq Preset
        $text = Get-ParaText $doc.description
        $presets = (Get-ModuleType DicomTools.Imaging.WindowPresets)::All
        @($doc.parameterValueGroup.parameterValue | ForEach-Object { "$_" }) | Should -Be @($presets.Name)
        foreach ($preset in $presets) {
            $line = '- {0}: {1}, {2} ({3})' -f $preset.Name, $preset.Center, $preset.Width, $preset.Description
            $text | Should -Match ([regex]::Escape($line)) -Because "$($preset.Name) is center $($preset.Center), width $($preset.Width)"
        }
    }

    It 'gives the -Percentile default of DisplaySettings' {
        $doc = (Get-Help ConvertTo-WindowedImage -Full).parameters.parameter | Where-Object name -eq Percentile
        $settings = [DicomTools.DisplaySettings]::Default
        $doc.defaultValue | Should -Be ('{0}, {1}' -f $settings.PercentileLow, $settings.PercentileHigh)
    }

    It 'gives the -Quality default of EncodeOptions' {
        $doc = (Get-Help Export-DicomImage -Full).parameters.parameter | Where-Object name -eq Quality
        [int]$doc.defaultValue | Should -Be ((Get-ModuleType DicomTools.Export.EncodeOptions)::DefaultJpegQuality)
    }
}

Describe '<Command> <Title>' -ForEach $exampleCases {
    It 'has PowerShell code that parses and binds to real parameters' {
        $Code | Should -Not -BeNullOrEmpty
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $ours = @(Get-Command -Module DicomTools).Name
        $calls = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true) |
                Where-Object { $_.GetCommandName() -in $ours })
        $calls.Count | Should -BeGreaterThan 0
        foreach ($call in $calls) {
            $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
            $problems = @($binding.BindingExceptions.Values | ForEach-Object { $_.BindingException.Message })
            $problems | Should -BeNullOrEmpty -Because "'$call' must bind"
        }
    }
}

Describe 'Examples run on sample files' -Skip:(-not $CorpusPresent) {
    BeforeAll {
        # The files the examples name: CT phantoms written by the module's own writer, and real MR / CR files from
        # the corpus under the names the help uses.
        $script:Template = Join-Path ([IO.Path]::GetTempPath()) "dicomtools-help-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory -Path "$Template/scans", "$Template/archive/2026-01", "$Template/archive/old" | Out-Null
        $series = '2.25.' + (Get-Random -Minimum 100000000 -Maximum 999999999)
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$Template/scans/ct_0.dcm", 512, 0, $series, $null)
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$Template/scans/ct_1.dcm", 512, 1, $series, $null)
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'pydicomdata__emri_small.dcm') -Destination "$Template/scans/mr_multiframe.dcm"
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'derived__MR_small_window_and_voilut.dcm') -Destination "$Template/scans/mr_voilut.dcm"
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'dwv__gdcm-CR-MONO1-10-chest.dcm') -Destination "$Template/scans/cr_chest.dcm"
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'pydicom__MR_small.dcm') -Destination "$Template/scans/knee [left].dcm"
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$Template/archive/2026-01/IM0001.dcm", 256, 0, $null, $null)
        (Get-ModuleType DicomTools.Samples.CtPhantom)::Write("$Template/archive/2026-01/IM0002.dcm", 256, 1, $null, $null)
        Copy-Item -LiteralPath (Join-Path $CorpusDir 'pydicom__MR_small.dcm') -Destination "$Template/archive/old/IM0001.dcm"
        Set-Content -LiteralPath "$Template/archive/README.txt" -Value 'Not a DICOM file: Get-DicomInfo reports it and goes on.'
        # The corpus is read-only; the copies must be removable.
        Get-ChildItem -LiteralPath $Template -Recurse -File | ForEach-Object { $_.IsReadOnly = $false }
    }

    AfterAll {
        if ($script:Template -and (Test-Path -LiteralPath $script:Template)) { Remove-Item -LiteralPath $script:Template -Recurse -Force }
    }

    It '<Command>: <Title> runs without errors or warnings' -ForEach $exampleCases {
        # Each example starts from the same files, so one example's output never collides with the next one's, and
        # runs in a runspace of its own: no variable leaks between examples, and -WhatIf's host output stays there.
        $work = "$Template-run"
        if (Test-Path -LiteralPath $work) { Remove-Item -LiteralPath $work -Recurse -Force }
        Copy-Item -LiteralPath $Template -Destination $work -Recurse
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $script:ModulePath).AddStatement().
            AddCommand('Set-Location').AddParameter('LiteralPath', $work).Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript($Code).Invoke()
            $problems = @($shell.Streams.Error | ForEach-Object { "error: $_" }) + @($shell.Streams.Warning | ForEach-Object { "warning: $_" })
            $problems | Should -BeNullOrEmpty
        }
        finally {
            $shell.Dispose()
            Remove-Item -LiteralPath $work -Recurse -Force
        }
    }
}
