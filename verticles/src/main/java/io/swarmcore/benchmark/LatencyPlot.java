package io.swarmcore.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Latency against achieved throughput, one point per run (p50, p90, p99), as a PNG. */
final class LatencyPlot {
  private LatencyPlot() {}

  static void write(Path file, String title, List<BenchResult> runs) throws IOException {
    System.setProperty("java.awt.headless", "true"); // no display needed to draw into a file
    XYSeries p50 = new XYSeries("p50", false);
    XYSeries p90 = new XYSeries("p90", false);
    XYSeries p99 = new XYSeries("p99", false);
    for (BenchResult run : runs) {
      p50.add(run.txPerSecond(), run.p50Ms());
      p90.add(run.txPerSecond(), run.p90Ms());
      p99.add(run.txPerSecond(), run.p99Ms());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(p50);
    data.addSeries(p90);
    data.addSeries(p99);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "final transactions per second",
            "latency, submission to final receipt (ms)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
  }
}
