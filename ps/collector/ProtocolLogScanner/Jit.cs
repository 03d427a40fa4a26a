using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    // The scanner's methods (all but one-liners) are marked [MethodImpl(Jit.Optimized)]. On PowerShell 7 that is
    // AggressiveOptimization: compiled fully optimized at the first call. Otherwise .NET compiles a method twice,
    // quick code first and optimized code later on a thread of its own, whose compiler memory then stays with the
    // process, and the hot loop starts slow (docs/decisions/scanner-memory.md). .NET Framework (Windows PowerShell
    // 5.1) has no such flag: nothing there.
    internal static class Jit
    {
#if EXTLS_CORE
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
#else
        public const MethodImplOptions Optimized = (MethodImplOptions)0;
#endif
    }
}
