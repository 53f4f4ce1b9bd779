package dev.emu.cli.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guest binaries the build bundles as classpath resources (guest module: make -> dev/emu/guest/):
 * kernel.elf, initramfs.cpio and modules/*.ko. Works from the class directories of a development
 * build and from the shaded emu.jar alike.
 */
public final class GuestFiles {
  private GuestFiles() {}

  public static final String KERNEL = "dev/emu/guest/kernel.elf";
  public static final String INITRAMFS = "dev/emu/guest/initramfs.cpio";
  public static final String MODULES = "dev/emu/guest/modules";
  /** Where --module-dir files land in the guest: the shell's start directory. */
  public static final String MODULE_TARGET_DIR = "root";

  /** A bundled resource's bytes, or null when the build did not produce it. */
  public static byte[] resource(String name) {
    try (InputStream in = GuestFiles.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bundled modules: file name (x.ko) -> bytes, sorted by name; empty when none are bundled. */
  public static Map<String, byte[]> bundledModules() {
    Map<String, byte[]> out = new TreeMap<>();
    try {
      for (URL url : Collections.list(GuestFiles.class.getClassLoader().getResources(MODULES))) {
        if ("file".equals(url.getProtocol())) {
          readKos(Path.of(url.toURI()), out);
        } else if ("jar".equals(url.getProtocol())) {
          String spec = url.toString();
          java.net.URI jar = java.net.URI.create(spec.substring(0, spec.indexOf("!/")));
          try (FileSystem fs = FileSystems.newFileSystem(jar, Map.of())) {
            readKos(fs.getPath(MODULES), out);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Every DIR/*.ko (not recursive), sorted by name. */
  public static List<Path> kosIn(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.ko")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static void readKos(Path dir, Map<String, byte[]> out) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (Path p : kosIn(dir)) {
      out.putIfAbsent(p.getFileName().toString(), Files.readAllBytes(p));
    }
  }
}
