/**
 * End-to-end scenarios: the real {@code emu boot} (dev.emu.cli.Main.run with Machines::create) boots the
 * gcc-built kernel on the emulated PC with scripted console input; the tests assert the console text,
 * printk timestamps and the exit status. Fixture: {@link dev.emu.e2e.EmuRun} (run, parse, predicted
 * windows), {@link dev.emu.e2e.ConsoleAssert} (lines in order), {@link dev.emu.e2e.Sdk} (builds the
 * test-only modules in src/test/resources/dev/emu/e2e/sdk with scripts/emu-module-build).
 *
 * <p>Areas: {@code BootE2eTest} (banner, boot log, prompt, /proc, panic=1), {@code SysctlE2eTest}
 * (the seed's greps, write semantics, ENOTSUPP without a PMU), {@code SoftLockupE2eTest} (first seed,
 * thresholds, cpumask, nowatchdog, touch, no false positives), {@code HardLockupE2eTest} (second seed,
 * timing, life without the panic), {@code BuddyE2eTest} (PMU hidden), {@code ModulesE2eTest} (every
 * bundled module, parameters, loader errors, SDK), {@code CliE2eTest} (exit statuses, 64 KiB paste,
 * determinism).
 *
 * <p>Every run has a guest-time --timeout; guest time is exact (cycles), so the timing windows are
 * checked against the algorithm (reference linux-lockup-watchdog.md §1-§3; derivations in
 * EmuRun.softWindow, HardLockupE2eTest and BuddyE2eTest), never against the wall clock. Cost: spin loops
 * (softLockup.ko, hardLockup.ko, spinlocks, idle) are fast-forwarded, but time-polling busy waits
 * (test_lockup.ko's mdelay) are interpreted cycle by cycle (several CPU seconds per guest second), so
 * those scenarios use watchdog_thresh=1 and at most 5 s of busy time.
 */
package dev.emu.e2e;
