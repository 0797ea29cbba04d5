/**
 * `credflow run --otel`: exports credflow's spans and metrics (docs/observability.md,
 * "Observability") over OTLP/HTTP (JSON) with the OpenTelemetry SDK. The SDK
 * is loaded only when asked: a run without it never imports it.
 */

/** A running export; `shutdown` flushes what is pending and stops it. */
export interface OtelExport {
  readonly tracesUrl: string;
  readonly metricsUrl: string;
  shutdown(): Promise<void>;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

/**
 * Whether to export: `--otel`, or the standard variables naming an OTLP
 * endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
 * or `OTEL_TRACES_EXPORTER=otlp`; never with `OTEL_SDK_DISABLED=true`.
 */
export function wantsOtel(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return (
    flag === true ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    env.OTEL_TRACES_EXPORTER?.split(',').some((e) => e.trim() === 'otlp') === true
  );
}

/** The OTLP/HTTP URL of a signal, as the OpenTelemetry specification builds it from the environment. */
function signalUrl(env: NodeJS.ProcessEnv, signal: 'traces' | 'metrics'): string {
  const own = signal === 'traces' ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT : env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  if (own) return own;
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  return `${base}/v1/${signal}`;
}

/** Registers tracer, meter and context manager globally and exports to the OTLP endpoint of `env`. */
export async function startOtelExport(env: NodeJS.ProcessEnv): Promise<OtelExport> {
  const [api, hooks, metricsSdk, traceSdk, resources, traceExporter, metricExporter] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
  ]);
  const tracesUrl = signalUrl(env, 'traces');
  const metricsUrl = signalUrl(env, 'metrics');
  const resource = resources.resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'credflow' });
  const tracerProvider = new traceSdk.BasicTracerProvider({
    resource,
    spanProcessors: [new traceSdk.BatchSpanProcessor(new traceExporter.OTLPTraceExporter({ url: tracesUrl }))],
  });
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: [
      new metricsSdk.PeriodicExportingMetricReader({
        exporter: new metricExporter.OTLPMetricExporter({ url: metricsUrl }),
        // A run is short: what matters is the export at shutdown.
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  return {
    tracesUrl,
    metricsUrl,
    shutdown: async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      api.trace.disable();
      api.metrics.disable();
      api.context.disable();
    },
  };
}
