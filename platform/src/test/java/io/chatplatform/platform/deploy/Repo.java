package io.chatplatform.platform.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What deploy/ is held against, read from the repository as it is at test time: the README's
 * settings table, the Maven modules that are services (their jar names and main classes), and the
 * JVM flags the build and the README give clustered processes.
 */
final class Repo {
  /** The repository's root (tests run in platform/). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /**
   * Prefixes of notification-service's push settings, documented in README.md when push delivery
   * is merged. Until the README has one setting of a prefix, names of that prefix are tolerated in
   * deploy/ (and printed); from then on each must be in the table like every other.
   */
  static final List<String> PENDING_PREFIXES = List.of("WEBPUSH_", "FCM_", "APNS_", "PUSH_");

  private Repo() {}

  static String read(String relative) {
    try {
      return Files.readString(ROOT.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service module: its folder, its jar's name ({@code finalName}, the artifactId) and main class. */
  record Service(String module, String artifactId, String mainClass) {
    String jar() {
      return module + "/target/" + artifactId + ".jar";
    }
  }

  /** The modules whose main class is a {@code *ServiceMain}: each runs as its own clustered process. */
  static List<Service> services() {
    List<Service> services = new ArrayList<>();
    for (String module : elements(pom("pom.xml"), "module")) {
      Document pom = pom(module + "/pom.xml");
      List<String> mains = elements(pom, "main.class");
      if (mains.isEmpty() || !mains.get(0).endsWith("ServiceMain")) {
        continue;
      }
      List<String> finalNames = elements(pom, "finalName");
      if (finalNames.size() != 1 || !finalNames.get(0).equals("${project.artifactId}")) {
        throw new IllegalStateException(module + "'s jar is no longer named after its artifactId: update Repo");
      }
      services.add(new Service(module, child(pom.getDocumentElement(), "artifactId"), mains.get(0)));
    }
    return services;
  }

  /** The JVM flags of a clustered process, as the build passes them ({@code jvm.cluster.args}). */
  static List<String> clusterJvmFlags() {
    return Arrays.asList(elements(pom("pom.xml"), "jvm.cluster.args").get(0).trim().split("\\s+"));
  }

  /** The flags of the README's {@code JVM="..."} line in the "Clustered" section. */
  static List<String> readmeJvmFlags() {
    Matcher m = Pattern.compile("JVM=\"([^\"]*)\"").matcher(read("README.md"));
    if (!m.find()) {
      throw new IllegalStateException("README.md has no JVM=\"...\" line");
    }
    return Arrays.asList(m.group(1).replace("\\\n", " ").trim().split("\\s+"));
  }

  /** The README's settings table: each row's names (a {@code <NAME>} part matches any) and its meaning. */
  static Map<Pattern, String> settings() {
    String readme = read("README.md");
    int start = readme.indexOf("\n## Settings");
    int end = readme.indexOf("\n## ", start + 1);
    Map<Pattern, String> rows = new LinkedHashMap<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      Matcher name = Pattern.compile("`([A-Z0-9_<>]+)`").matcher(cells[1]);
      while (name.find()) {
        rows.put(Pattern.compile(name.group(1).replaceAll("<[A-Z]+>", "[A-Z0-9_]+")), line);
      }
    }
    return rows;
  }

  static boolean isSetting(String name) {
    return settings().keySet().stream().anyMatch(p -> p.matcher(name).matches());
  }

  /**
   * True when {@code name} is in the settings table, or belongs to a pending prefix of which the
   * table has no setting yet (see {@link #PENDING_PREFIXES}).
   */
  static boolean isSettingOrPending(String name) {
    if (isSetting(name)) {
      return true;
    }
    for (String prefix : PENDING_PREFIXES) {
      if (name.startsWith(prefix) && settings().keySet().stream().noneMatch(p -> p.pattern().startsWith(prefix))) {
        System.out.println(name + ": not in README.md's settings table yet, tolerated (" + prefix + "* settings arrive with push delivery)");
        return true;
      }
    }
    return false;
  }

  /**
   * Settings whose value is a credential: rows that say the value is never logged, and the
   * {@code *_SECRET}s; file settings excepted (the file is the secret, its path is not).
   */
  static boolean isSecretSetting(String name) {
    if (name.endsWith("_FILE")) {
      return false;
    }
    return name.endsWith("_SECRET") || settings().entrySet().stream()
        .anyMatch(e -> e.getKey().matcher(name).matches() && e.getValue().contains("never logged"));
  }

  static Stream<Path> files(String relativeDir, String suffix) {
    try {
      return Files.walk(ROOT.resolve(relativeDir)).filter(p -> p.toString().endsWith(suffix)).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Document pom(String relative) {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve(relative).toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + relative, e);
    }
  }

  /** The text of {@code parent}'s own child element {@code tag} (not a nested one's, such as the parent pom's). */
  private static String child(Element parent, String tag) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e.getTextContent().trim();
      }
    }
    throw new IllegalStateException("no <" + tag + "> in <" + parent.getTagName() + ">");
  }

  private static List<String> elements(Document document, String tag) {
    NodeList nodes = document.getElementsByTagName(tag);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      values.add(nodes.item(i).getTextContent().trim());
    }
    return values;
  }
}
