package dev.emu.devices.board;

import static dev.emu.devices.board.PcLayout.PORT_ACPI_PM;
import static dev.emu.devices.board.PcLayout.PORT_COM1;
import static dev.emu.devices.board.PcLayout.PORT_DEBUG_EXIT;
import static dev.emu.devices.board.PcLayout.PORT_KBC_DATA;
import static dev.emu.devices.board.PcLayout.PORT_KBC_STATUS;
import static dev.emu.devices.board.PcLayout.PORT_PIC_MASTER;
import static dev.emu.devices.board.PcLayout.PORT_PIC_SLAVE;
import static dev.emu.devices.board.PcLayout.PORT_PVPANIC;
import static dev.emu.devices.board.PcLayout.PORT_RESET;

import dev.emu.devices.acpi.AcpiPm;
import dev.emu.devices.misc.BoardControl;
import dev.emu.devices.misc.Clocks;
import dev.emu.devices.misc.KeyboardController;
import dev.emu.devices.misc.Pic8259;
import dev.emu.devices.misc.PvPanic;
import dev.emu.devices.misc.ResetControl;
import dev.emu.devices.uart.Uart16550;

/**
 * The PC's I/O port space, shared by every CPU. Byte-wide devices see a 2- or 4-byte access as
 * consecutive byte accesses (little-endian); the ACPI PM block and isa-debug-exit take the access
 * whole. The reset control register answers byte accesses only, so a dword access at 0xCF8 (PCI
 * CONFIG_ADDRESS on a real chipset; there is no PCI here) is unclaimed. Unclaimed ports read
 * all-ones and ignore writes (POST port 0x80 and the absent PIT at 0x40-0x43 included).
 */
public final class PcIoPorts {
  private final Uart16550 com1;
  private final Pic8259 picMaster;
  private final Pic8259 picSlave;
  private final KeyboardController kbc;
  private final ResetControl resetControl;
  private final PvPanic pvpanic;
  private final AcpiPm pm;
  private final BoardControl board;

  PcIoPorts(Uart16550 com1, Pic8259 picMaster, Pic8259 picSlave, KeyboardController kbc,
      ResetControl resetControl, PvPanic pvpanic, AcpiPm pm, BoardControl board) {
    this.com1 = com1;
    this.picMaster = picMaster;
    this.picSlave = picSlave;
    this.kbc = kbc;
    this.resetControl = resetControl;
    this.pvpanic = pvpanic;
    this.pm = pm;
    this.board = board;
  }

  public int read(int port, int size) {
    port &= 0xFFFF;
    if (port >= PORT_ACPI_PM && port < PORT_ACPI_PM + AcpiPm.BLOCK_SIZE) {
      return pm.read(port - PORT_ACPI_PM, size);
    }
    if (size == 1) {
      return readByte(port);
    }
    int v = 0;
    for (int i = 0; i < size; i++) {
      int p = (port + i) & 0xFFFF;
      v |= (p == PORT_RESET ? 0xFF : readByte(p)) << (8 * i);
    }
    return v;
  }

  public void write(int port, int size, int value) {
    port &= 0xFFFF;
    if (port >= PORT_ACPI_PM && port < PORT_ACPI_PM + AcpiPm.BLOCK_SIZE) {
      pm.write(port - PORT_ACPI_PM, size, value);
      return;
    }
    if (port == PORT_DEBUG_EXIT) {
      board.debugExit((int) (value & Clocks.ones(size)));
      return;
    }
    if (size == 1) {
      writeByte(port, value & 0xff);
      return;
    }
    for (int i = 0; i < size; i++) {
      int p = (port + i) & 0xFFFF;
      if (p != PORT_RESET) {
        writeByte(p, (value >>> (8 * i)) & 0xff);
      }
    }
  }

  private int readByte(int port) {
    if (port >= PORT_COM1 && port < PORT_COM1 + 8) {
      return com1.read(port - PORT_COM1);
    }
    switch (port) {
      case PORT_PIC_MASTER, PORT_PIC_MASTER + 1:
        return picMaster.read(port - PORT_PIC_MASTER);
      case PORT_PIC_SLAVE, PORT_PIC_SLAVE + 1:
        return picSlave.read(port - PORT_PIC_SLAVE);
      case PORT_KBC_DATA:
        return kbc.readData();
      case PORT_KBC_STATUS:
        return kbc.readStatus();
      case PORT_RESET:
        return resetControl.read();
      case PORT_PVPANIC:
        return pvpanic.read();
      default:
        return 0xFF;
    }
  }

  private void writeByte(int port, int v) {
    if (port >= PORT_COM1 && port < PORT_COM1 + 8) {
      com1.write(port - PORT_COM1, v);
      return;
    }
    switch (port) {
      case PORT_PIC_MASTER, PORT_PIC_MASTER + 1 -> picMaster.write(port - PORT_PIC_MASTER, v);
      case PORT_PIC_SLAVE, PORT_PIC_SLAVE + 1 -> picSlave.write(port - PORT_PIC_SLAVE, v);
      case PORT_KBC_STATUS -> kbc.writeCommand(v);
      case PORT_RESET -> resetControl.write(v);
      case PORT_PVPANIC -> pvpanic.write(v);
      default -> { } // POST codes (0x80), absent devices
    }
  }
}
