package io.chatplatform.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, as Linux shows them: the socket inodes among its file
 * descriptors ({@code /proc/<pid>/fd}) matched against the LISTEN rows (state {@code 0A}) of
 * {@code /proc/<pid>/net/tcp} and {@code tcp6}. A Java process binds IPv6 sockets, so an IPv4
 * address appears IPv4-mapped ({@code ::ffff:127.0.0.1}); it is given here as the IPv4 address.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** One listening socket: the address it is bound to ({@code 0.0.0.0} or {@code ::} for every interface) and its port. */
  record Listener(String address, int port) {
    boolean anyInterface() {
      return address.equals("0.0.0.0") || address.equals("::");
    }

    @Override
    public String toString() {
      return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
  }

  static List<Listener> of(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // A descriptor closed between the listing and the read is no listener.
        }
      }
    }
    List<Listener> listeners = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> rows = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
      for (String row : rows.subList(1, rows.size())) {
        String[] columns = row.trim().split("\\s+");
        if (columns[3].equals(LISTEN) && inodes.contains(columns[9])) {
          String[] local = columns[1].split(":");
          listeners.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return listeners;
  }

  /** The kernel writes each 32-bit word of the address in host (little-endian) order. */
  static String address(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    try {
      // Java gives an IPv4-mapped IPv6 address as the IPv4 one.
      String text = InetAddress.getByAddress(bytes).getHostAddress();
      return text.equals("0:0:0:0:0:0:0:0") ? "::" : text;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(hex, e);
    }
  }
}
