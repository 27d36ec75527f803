// FlowFunctions.Analytics: the pure domain of the product (README "Architecture").
// Nothing in this assembly touches Azure, HTTP, files, sockets or the system clock;
// time arrives through arguments or an injected TimeProvider.
[assembly: System.CLSCompliant(false)]
