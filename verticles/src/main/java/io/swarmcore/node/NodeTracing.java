package io.swarmcore.node;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's OpenTelemetry SDK when {@code tracing.enabled}: built from the configuration, installed
 * in the node's Vert.x (which then traces its HTTP, gRPC and event-bus traffic), and found by node
 * id by the code that adds Swarm's own spans (several nodes may share a JVM). Never registered as
 * the global OpenTelemetry.
 */
public final class NodeTracing {
  /** The instrumentation scope of Swarm's own spans. */
  public static final String SCOPE = "io.swarmcore";

  private static final Map<String, OpenTelemetrySdk> BY_NODE = new ConcurrentHashMap<>();

  private NodeTracing() {}

  /** The SDK exporting over OTLP/HTTP to {@code tracing.otlpEndpoint}, or empty when off. */
  public static Optional<OpenTelemetrySdk> fromConfig(NodeConfig config) {
    if (!config.tracing().enabled()) {
      return Optional.empty();
    }
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(config.tracing().otlpEndpoint()).build();
    return Optional.of(
        start(
            config.nodeId(),
            BatchSpanProcessor.builder(exporter).build(),
            config.tracing().sampleRatio()));
  }

  /**
   * An SDK for {@code nodeId} handing its finished spans to {@code processor} (tests pass a simple
   * processor over an in-memory exporter), keeping {@code sampleRatio} of new traces.
   */
  public static OpenTelemetrySdk start(String nodeId, SpanProcessor processor, double sampleRatio) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.builder()
                    .put("service.name", "swarm")
                    .put("service.instance.id", nodeId)
                    .build());
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                    .addSpanProcessor(processor)
                    .build())
            // Without propagators nothing would cross the event bus or reach a client.
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    OpenTelemetrySdk previous = BY_NODE.put(nodeId, sdk);
    if (previous != null) {
      previous.close();
    }
    return sdk;
  }

  /** Makes the Vert.x instance being built trace through {@code sdk}. */
  public static VertxBuilder install(VertxBuilder builder, OpenTelemetry sdk) {
    return builder.withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** The tracer for {@code nodeId}'s own spans, when tracing is on for it. */
  public static Optional<Tracer> tracer(String nodeId) {
    return Optional.ofNullable(BY_NODE.get(nodeId)).map(sdk -> sdk.getTracer(SCOPE));
  }

  /** Exports what is left and closes {@code nodeId}'s SDK, if it has one. */
  public static void close(String nodeId) {
    OpenTelemetrySdk sdk = BY_NODE.remove(nodeId);
    if (sdk != null) {
      sdk.close();
    }
  }
}
