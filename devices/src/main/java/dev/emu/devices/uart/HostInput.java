package dev.emu.devices.uart;

import java.util.Arrays;

/**
 * Unbounded queue of console input bytes from the host. Any thread may {@link #add}; the machine
 * thread takes bytes with {@link #poll} when the UART's receiver has room, so nothing is dropped.
 * Guarded by this object's monitor.
 */
public final class HostInput {
  private byte[] ring = new byte[256];
  private int head;
  private int size;

  public synchronized void add(byte[] data) {
    if (size + data.length > ring.length) {
      int capacity = ring.length;
      while (capacity < size + data.length) {
        capacity *= 2;
      }
      byte[] grown = new byte[capacity];
      for (int i = 0; i < size; i++) {
        grown[i] = ring[(head + i) % ring.length];
      }
      ring = grown;
      head = 0;
    }
    for (byte b : data) {
      ring[(head + size) % ring.length] = b;
      size++;
    }
  }

  /**
   * Puts bytes the guest never read back at the front of the queue, in their original order
   * (the UART's receiver was cleared or reset before the guest read them).
   */
  public synchronized void unread(int[] bytes, int count) {
    if (count == 0) {
      return;
    }
    byte[] rest = new byte[size];
    for (int i = 0; i < size; i++) {
      rest[i] = ring[(head + i) % ring.length];
    }
    head = 0;
    size = 0;
    byte[] front = new byte[count];
    for (int i = 0; i < count; i++) {
      front[i] = (byte) bytes[i];
    }
    add(front);
    add(rest);
  }

  /** The next byte (0..255), or -1 if the queue is empty. */
  public synchronized int poll() {
    if (size == 0) {
      return -1;
    }
    int b = ring[head] & 0xff;
    head = (head + 1) % ring.length;
    size--;
    return b;
  }

  public synchronized int size() {
    return size;
  }

  public synchronized void clear() {
    Arrays.fill(ring, (byte) 0);
    head = 0;
    size = 0;
  }
}
