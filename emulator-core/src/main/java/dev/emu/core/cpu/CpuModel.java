package dev.emu.core.cpu;

/**
 * What the emulated CPU claims to be: its clock and the optional features CPUID advertises.
 *
 * @param frequencyHz core clock and TSC rate (invariant TSC): guest time = cycles / frequencyHz
 * @param pmu         leaf 0xA advertises architectural perfmon v2 (false hides it, as QEMU TCG)
 * @param x2apic      CPUID.1:ECX.x2APIC
 * @param tscDeadline CPUID.1:ECX.TSC_DEADLINE
 */
public record CpuModel(long frequencyHz, boolean pmu, boolean x2apic, boolean tscDeadline) {
  public static final long DEFAULT_FREQUENCY_HZ = 2_000_000_000L;

  public static CpuModel defaults() {
    return new CpuModel(DEFAULT_FREQUENCY_HZ, true, true, true);
  }
}
