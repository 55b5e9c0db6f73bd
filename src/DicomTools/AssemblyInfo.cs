using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("DicomTools.Tests")]
// The .NET 8 program that runs the module's own DLL (tests/Net8Check, from tests/Pester/ModuleLoading.Tests.ps1).
[assembly: InternalsVisibleTo("Net8Check")]
