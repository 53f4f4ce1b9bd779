package dev.emu.cli.run;

import dev.emu.devices.board.BootException;
import dev.emu.devices.board.ConsoleSink;
import dev.emu.devices.board.Machine;
import dev.emu.devices.board.MachineConfig;

/** How the boot command gets its machine: {@code Machines::create} in production, a fake in tests. */
@FunctionalInterface
public interface MachineFactory {
  Machine create(MachineConfig config, ConsoleSink console) throws BootException;
}
