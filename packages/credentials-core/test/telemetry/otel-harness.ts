import { type Attributes, context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader the test collects from on demand. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point: a counter's value, or a histogram's count and sum. */
export interface Point {
  attributes: Attributes;
  value: number | { count: number; sum?: number };
}

/** The OpenTelemetry SDK registered as a host would, with in-memory exporters. */
export interface OtelHarness {
  spans(): ReadableSpan[];
  /** Data points of metric `name` (none when it was never recorded). */
  points(name: string): Promise<Point[]>;
  /** Every metric's name, description, unit and points, for scans. */
  allPoints(): Promise<{ name: string; description: string; unit: string; points: Point[] }[]>;
  uninstall(): Promise<void>;
}

/** Registers tracer, meter and context manager globally (NOTES.md, "OpenTelemetry"). */
export function installOtel(): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  const allPoints = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) =>
      s.metrics.map((m) => ({
        name: m.descriptor.name,
        description: m.descriptor.description,
        unit: m.descriptor.unit,
        points: m.dataPoints.map((d) => ({ attributes: d.attributes, value: d.value as Point['value'] })),
      })),
    );
  };
  return {
    spans: () => exporter.getFinishedSpans(),
    allPoints,
    points: async (name) => (await allPoints()).filter((m) => m.name === name).flatMap((m) => m.points),
    uninstall: async () => {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The value of the point whose attributes include `match` (0 when none). */
export function pointValue(points: Point[], match: Attributes): number {
  const p = points.find((x) => Object.entries(match).every(([k, v]) => x.attributes[k] === v));
  if (p === undefined) return 0;
  return typeof p.value === 'number' ? p.value : p.value.count;
}

/**
 * Every text a host's exporter would see: span names, attributes, events,
 * links, status messages, resource and instrumentation scope; every
 * metric's name, description, unit and data points (attributes and values,
 * histogram buckets included), plus `extra`. What the leak scans search.
 */
export async function exportedText(otel: OtelHarness, extra: string[] = []): Promise<string> {
  const out: string[] = [...extra];
  for (const s of otel.spans()) {
    out.push(
      s.name,
      JSON.stringify(s.attributes),
      JSON.stringify(s.events),
      JSON.stringify(s.links),
      s.status.message ?? '',
      JSON.stringify(s.resource.attributes),
      JSON.stringify(s.instrumentationScope),
    );
  }
  for (const m of await otel.allPoints()) out.push(m.name, m.description, m.unit, JSON.stringify(m.points));
  return out.join('\n');
}
