using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("DicomTools.Tests")]
