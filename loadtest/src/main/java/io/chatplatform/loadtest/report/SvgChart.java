package io.chatplatform.loadtest.report;

import io.chatplatform.loadtest.generator.StepResult;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A line chart written as plain SVG (no library): latency against offered load for a step
 * series. The y axis turns logarithmic when the lines span two decades or more, so a p50 of
 * 2 ms and a p99.9 of 800 ms both stay readable.
 */
final class SvgChart {
  static final int WIDTH = 960;
  static final int HEIGHT = 560;
  private static final int LEFT = 90;
  private static final int RIGHT = 220;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final int TARGET_TICKS = 6;
  private static final int LABEL_DIGITS = 4;
  private static final double LOG_SCALE_SPAN = 100;
  private static final String FONT = "font-family=\"Helvetica, Arial, sans-serif\"";

  /**
   * One line of the chart.
   *
   * @param x this line's own x values, or null to use the chart's shared ones (lines of
   *     different runs, e.g. two servers, have slightly different offered rates)
   */
  record Series(String name, String color, boolean dashed, double[] values, double[] x) {
    Series(String name, String color, boolean dashed, double[] values) {
      this(name, color, dashed, values, null);
    }

    double[] xOr(double[] shared) {
      return x != null ? x : shared;
    }
  }

  private SvgChart() {}

  /** The step-series chart: delivery p50/p99/p99.9 and ack p99 against offered deliveries/s. */
  static String forSteps(String title, List<StepResult> steps) {
    double[] x = steps.stream().mapToDouble(StepResult::offeredDeliveriesPerSecond).toArray();
    List<Series> series = List.of(
        new Series("delivery p50", "#1f77b4", false, steps.stream().mapToDouble(s -> s.deliveryLatency().p50()).toArray()),
        new Series("delivery p99", "#ff7f0e", false, steps.stream().mapToDouble(s -> s.deliveryLatency().p99()).toArray()),
        new Series("delivery p99.9", "#d62728", false, steps.stream().mapToDouble(s -> s.deliveryLatency().p999()).toArray()),
        new Series("ack p99", "#2ca02c", true, steps.stream().mapToDouble(s -> s.ackLatency().p99()).toArray()));
    return render(title, "offered deliveries/s", "latency (ms)", x, series);
  }

  static String render(String title, String xLabel, String yLabel, double[] x, List<Series> series) {
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    Axis xAxis = Axis.linear(0, series.stream().mapToDouble(s -> max(s.xOr(x))).max().orElse(max(x)));
    double yMax = series.stream().mapToDouble(s -> max(s.values())).max().orElse(1);
    double yMinPositive = series.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(v -> v > 0).min().orElse(1);
    Axis yAxis = yMax / yMinPositive >= LOG_SCALE_SPAN ? Axis.log(yMinPositive, yMax) : Axis.linear(0, yMax);

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" %s font-size=\"13\">%n",
        WIDTH, HEIGHT, WIDTH, HEIGHT, FONT));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    // A second line of the title, if any, is a smaller subtitle (e.g. the server and revision measured).
    int newline = title.indexOf('\n');
    String heading = newline < 0 ? title : title.substring(0, newline);
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"17\" font-weight=\"bold\">%s</text>%n", LEFT,
        newline < 0 ? 32 : 26, escape(heading)));
    if (newline >= 0) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"46\" font-size=\"12\" fill=\"#555\">%s</text>%n", LEFT,
          escape(title.substring(newline + 1).replace('\n', ' '))));
    }

    // Grid and ticks.
    for (double tick : xAxis.ticks()) {
      double px = LEFT + xAxis.position(tick) * plotWidth;
      svg.append(line(px, TOP, px, TOP + plotHeight, "#e5e5e5", 1));
      svg.append(line(px, TOP + plotHeight, px, TOP + plotHeight + 6, "#333", 1));
      svg.append(text(px, TOP + plotHeight + 22, "middle", label(tick)));
    }
    for (double tick : yAxis.ticks()) {
      double py = TOP + plotHeight - yAxis.position(tick) * plotHeight;
      svg.append(line(LEFT, py, LEFT + plotWidth, py, "#e5e5e5", 1));
      svg.append(line(LEFT - 6, py, LEFT, py, "#333", 1));
      svg.append(text(LEFT - 10, py + 4, "end", label(tick)));
    }
    // Axes and their labels.
    svg.append(line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, "#333", 1.5));
    svg.append(line(LEFT, TOP, LEFT, TOP + plotHeight, "#333", 1.5));
    svg.append(text(LEFT + plotWidth / 2, HEIGHT - 20, "middle", xLabel));
    svg.append(String.format(Locale.ROOT, "<text x=\"22\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 22 %.1f)\">%s</text>%n",
        TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel + (yAxis.log ? ", log scale" : ""))));

    // The lines, with a dot at each step.
    for (Series s : series) {
      List<String> points = new ArrayList<>();
      StringBuilder dots = new StringBuilder();
      double[] sx = s.xOr(x);
      for (int i = 0; i < sx.length && i < s.values().length; i++) {
        double px = LEFT + xAxis.position(sx[i]) * plotWidth;
        double py = TOP + plotHeight - yAxis.position(s.values()[i]) * plotHeight;
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
        dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", px, py, s.color()));
      }
      svg.append(String.format(Locale.ROOT, "<g class=\"series\" data-series=\"%s\">%n", escape(s.name())));
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s points=\"%s\"/>%n",
          s.color(), s.dashed() ? " stroke-dasharray=\"7 4\"" : "", String.join(" ", points)));
      svg.append(dots).append("\n</g>\n");
    }

    // Legend, right of the plot.
    double legendX = LEFT + plotWidth + 24;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double y = TOP + 14 + i * 24;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.2\"%s/>%n",
          legendX, y, legendX + 28, y, s.color(), s.dashed() ? " stroke-dasharray=\"7 4\"" : ""));
      svg.append(text(legendX + 36, y + 4, "start", s.name()));
    }
    return svg.append("</svg>\n").toString();
  }

  private static String line(double x1, double y1, double x2, double y2, String color, double width) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
        x1, y1, x2, y2, color, width);
  }

  private static String text(double x, double y, String anchor, String content) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor, escape(content));
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** 1500 → "1500", 0.25 → "0.25", 2000000 → "2M": short tick labels. */
  static String label(double value) {
    if (Math.abs(value) >= 1_000_000) {
      return label(value / 1_000_000) + "M";
    }
    if (Math.abs(value) >= 10_000) {
      return label(value / 1_000) + "k";
    }
    return new BigDecimal(Double.toString(value)).round(new MathContext(LABEL_DIGITS)).stripTrailingZeros().toPlainString();
  }

  private static double max(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  /** Maps values to [0, 1] along an axis and lists its ticks. */
  private record Axis(double min, double max, boolean log, double step) {
    static Axis linear(double min, double dataMax) {
      double step = niceStep(Math.max(dataMax - min, 1e-9) / TARGET_TICKS);
      double max = Math.max(step, Math.ceil(dataMax / step) * step);
      return new Axis(min, max, false, step);
    }

    static Axis log(double dataMin, double dataMax) {
      return new Axis(Math.pow(10, Math.floor(Math.log10(dataMin))), Math.pow(10, Math.ceil(Math.log10(dataMax))), true, 10);
    }

    double position(double value) {
      if (log) {
        double v = Math.max(value, min);
        return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      }
      return (value - min) / (max - min);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        for (double t = min; t <= max * 1.0001; t *= 10) {
          ticks.add(t);
        }
      } else {
        for (int i = 0; min + i * step <= max + step * 1e-6; i++) {
          ticks.add(min + i * step);
        }
      }
      return ticks;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double fraction = raw / magnitude;
      double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
      return nice * magnitude;
    }
  }
}
