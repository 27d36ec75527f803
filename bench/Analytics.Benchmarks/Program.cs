// Analytics benchmarks: `dotnet run -c Release --project bench/Analytics.Benchmarks`.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
