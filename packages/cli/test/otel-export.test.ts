import { describe, expect, it } from 'vitest';
import { wantsOtel } from '../src/otel-export.js';

describe('credflow run --otel: when the SDK is loaded', () => {
  it('exports with --otel, or when the standard variables name an OTLP endpoint or exporter', () => {
    expect(wantsOtel(undefined, {})).toBe(false);
    expect(wantsOtel(true, {})).toBe(true);
    expect(wantsOtel(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(wantsOtel(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(wantsOtel(undefined, { OTEL_TRACES_EXPORTER: 'console, otlp' })).toBe(true);
    expect(wantsOtel(undefined, { OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('never exports with OTEL_SDK_DISABLED=true, even with --otel', () => {
    expect(wantsOtel(true, { OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(wantsOtel(undefined, { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' })).toBe(
      false,
    );
  });
});
