// The shared test helpers (reference tools, corpus, fixtures) are used by tests in every folder.
global using DicomTools.Tests.Support;
