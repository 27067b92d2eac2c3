package io.chatplatform.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.loadtest.generator.DeliveryLedger;
import io.chatplatform.loadtest.generator.LatencyRecorder;
import io.chatplatform.loadtest.generator.StepResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
  private static StepResult step(int index, double rate, double p50, double p99, double p999, double ackP99) {
    LatencyRecorder.Summary delivery = new LatencyRecorder.Summary(1000, p50, p50 * 1.5, p99, p999, p999 * 2, p50);
    LatencyRecorder.Summary ack = new LatencyRecorder.Summary(100, 1, 1, ackP99, ackP99, ackP99, 1);
    long sent = (long) (rate * 100 * 10);
    return new StepResult(index, rate, 10, 0, sent, sent, 0, 0, sent * 10, new DeliveryLedger.Totals(sent * 10, sent * 10, 0, 0), 0,
        ack, delivery, LatencyRecorder.Summary.EMPTY, Map.of(), null, null);
  }

  private static final List<StepResult> STEPS = List.of(
      step(0, 1, 2, 5, 9, 4), step(1, 2, 2.5, 8, 20, 6), step(2, 5, 4, 30, 250, 25));

  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void drawsTheFourSeriesWithAPointPerStep() throws Exception {
    String svg = SvgChart.forSteps("fanout: 10 rooms × 10 members — latency vs offered load", STEPS);
    Document doc = parse(svg);
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getAttribute("xmlns")).isEqualTo("http://www.w3.org/2000/svg");

    NodeList groups = doc.getElementsByTagName("g");
    assertThat(groups.getLength()).isEqualTo(4);
    for (int i = 0; i < groups.getLength(); i++) {
      Element group = (Element) groups.item(i);
      assertThat(group.getAttribute("data-series")).isEqualTo(List.of("delivery p50", "delivery p99", "delivery p99.9", "ack p99").get(i));
      Element polyline = (Element) group.getElementsByTagName("polyline").item(0);
      assertThat(polyline.getAttribute("points").split(" ")).hasSize(STEPS.size());
      assertThat(group.getElementsByTagName("circle").getLength()).isEqualTo(STEPS.size());
    }
    // Legend and axis titles.
    assertThat(svg).contains(">delivery p50<", ">delivery p99<", ">delivery p99.9<", ">ack p99<",
        ">offered deliveries/s<", "latency (ms)", "10 rooms × 10 members");
  }

  @Test
  void aWideSpreadOfLatenciesGetsALogAxis() throws Exception {
    String svg = SvgChart.forSteps("t", STEPS);
    assertThat(svg).contains("log scale");
    // Decade ticks from 1 ms to 1000 ms.
    assertThat(svg).contains(">1<", ">10<", ">100<", ">1000<");
  }

  @Test
  void aNarrowSpreadKeepsALinearAxisFromZero() throws Exception {
    String svg = SvgChart.forSteps("t", List.of(step(0, 1, 2, 3, 4, 3), step(1, 2, 2, 4, 6, 3)));
    assertThat(svg).doesNotContain("log scale");
    assertThat(svg).contains(">0<");
    parse(svg);
  }

  @Test
  void xIsOfferedDeliveriesPerSecondInIncreasingOrder() {
    assertThat(STEPS).extracting(StepResult::offeredDeliveriesPerSecond).containsExactly(1000.0, 2000.0, 5000.0);
    String svg = SvgChart.forSteps("t", STEPS);
    assertThat(svg).contains(">5000<");
  }

  @Test
  void escapesTextAndShortensLabels() {
    assertThat(SvgChart.escape("a < b & \"c\"")).isEqualTo("a &lt; b &amp; &quot;c&quot;");
    assertThat(SvgChart.label(1500)).isEqualTo("1500");
    assertThat(SvgChart.label(20000)).isEqualTo("20k");
    assertThat(SvgChart.label(2_500_000)).isEqualTo("2.5M");
    assertThat(SvgChart.label(0.25)).isEqualTo("0.25");
  }
}
