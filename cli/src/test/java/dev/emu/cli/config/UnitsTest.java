package dev.emu.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void sizes() {
    assertThat(Units.parseSize("256M")).isEqualTo(256L << 20);
    assertThat(Units.parseSize("1G")).isEqualTo(1L << 30);
    assertThat(Units.parseSize("64k")).isEqualTo(64L << 10);
    assertThat(Units.parseSize("2GiB")).isEqualTo(2L << 30);
    assertThat(Units.parseSize("4096")).isEqualTo(4096);
    assertThat(Units.parseSize("1.5G")).isEqualTo(-1);
    assertThat(Units.parseSize("G")).isEqualTo(-1);
    assertThat(Units.parseSize("99999999999T")).isEqualTo(-1);
    assertThat(Units.formatSize(256L << 20)).isEqualTo("256M");
    assertThat(Units.formatSize(1000)).isEqualTo("1000");
  }

  @Test
  void durations() {
    assertThat(Units.parseDuration("30s")).isEqualTo(30_000_000_000L);
    assertThat(Units.parseDuration("500ms")).isEqualTo(500_000_000L);
    assertThat(Units.parseDuration("2m")).isEqualTo(120_000_000_000L);
    assertThat(Units.parseDuration("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(Units.parseDuration("250us")).isEqualTo(250_000L);
    assertThat(Units.parseDuration("7ns")).isEqualTo(7);
    assertThat(Units.parseDuration("30")).isEqualTo(-1);
    assertThat(Units.parseDuration("-1s")).isEqualTo(-1);
    assertThat(Units.parseDuration("999999999999999h")).isEqualTo(-1);
    assertThat(Units.formatDuration(30_000_000_000L)).isEqualTo("30s");
    assertThat(Units.formatDuration(1_500_000_000L)).isEqualTo("1500ms");
  }
}
