/**
 * OpenTelemetry tracing for the web and the worker (ADR 013).
 *
 * One provider per process, registered globally, so Next.js's own spans,
 * Prisma's spans and ours share it. Spans go to Zipkin when
 * OTEL_EXPORTER_ZIPKIN_ENDPOINT is set; with nothing configured no provider is
 * registered (tracing costs nothing), and the request wrapper still gives every
 * request a trace id, which its access log line and its response quote.
 *
 * The trace of a request crosses the asynchronous hops by value: the outbox
 * row and the outgoing email row keep the W3C traceparent of the context that
 * wrote them, the relay puts it into the Kafka message's headers, the consumer
 * continues the trace from there (see traceparentFor and the side table below).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { fieldIssues } from "../../domain/validation";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  isSpanContextValid,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from "@opentelemetry/api";
import type { Sampler, SamplingDecision } from "@opentelemetry/sdk-trace-node";
import { z } from "zod";
import { describeCauses } from "../../domain/errors";

export const TRACER_NAME = "storefront";

/** The settings tracing reads, validated apart from the rest of the env: tracing starts before the app's configuration is loaded. */
const tracingEnvSchema = z.object({
  /** Zipkin's span endpoint, e.g. http://127.0.0.1:9411/api/v2/spans. Unset: nothing is exported. */
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: z.url().optional().or(z.literal("").transform(() => undefined)),
  /** Share of new traces recorded, 0 to 1 (requests that arrive with a sampled traceparent follow their caller). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Overrides the service name the process reports. */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
});
export type TracingEnv = z.infer<typeof tracingEnvSchema>;

export function loadTracingEnv(source: Record<string, string | undefined> = process.env): TracingEnv {
  const parsed = tracingEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = fieldIssues(parsed.error, { whole: "environment", every: true }).map((f) => `  ${f.path}: ${f.message}`).join("\n");
    throw new Error(`Invalid tracing configuration:\n${problems}`);
  }
  return parsed.data;
}

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly exporting: boolean;
  /** Sends the spans still buffered; call before exit. */
  shutdown(): Promise<void>;
}

const globalKey = Symbol.for("storefront.tracing");
type GlobalWithTracing = typeof globalThis & { [globalKey]?: Tracing };

/**
 * Registers the process's tracer provider (once; later calls return the
 * first). Prisma's instrumentation is enabled with it, so every query of a
 * recorded trace is a span. The SDK is loaded only here, by the process's
 * entry point.
 */
export async function startTracing(serviceName: string, source: Record<string, string | undefined> = process.env): Promise<Tracing> {
  const holder = globalThis as GlobalWithTracing;
  if (holder[globalKey]) return holder[globalKey];
  const env = loadTracingEnv(source);
  if (!env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) {
    // Nothing configured: no provider and no context manager at all, so tracing
    // costs nothing (every AsyncLocalStorage adds work to every promise, and
    // Next.js traces a dozen steps per request once a provider is registered).
    // Requests still get a trace id from the request wrapper (requestTraceId).
    const off: Tracing = { exporting: false, shutdown: async () => undefined };
    holder[globalKey] = off;
    return off;
  }
  const [{ NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, SamplingDecision }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([import("@opentelemetry/sdk-trace-node"), import("@opentelemetry/resources"), import("@opentelemetry/semantic-conventions")]);
  const endpoint = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  const { ZipkinExporter } = await import("@opentelemetry/exporter-zipkin");
  const spanProcessors = [new BatchSpanProcessor(new ZipkinExporter({ url: endpoint }), { scheduledDelayMillis: 500, maxQueueSize: 8192 })];
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName }),
    sampler: backgroundQueriesOff(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG) }), SamplingDecision.NOT_RECORD),
    spanProcessors,
  });
  provider.register();
  const [{ registerInstrumentations }, { PrismaInstrumentation }] = await Promise.all([
    import("@opentelemetry/instrumentation"),
    import("@prisma/instrumentation"),
  ]);
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  const tracing: Tracing = { exporting: true, shutdown: () => provider.shutdown() };
  holder[globalKey] = tracing;
  return tracing;
}

/**
 * A database query outside any trace (the relay's and the email
 * dispatcher's polls, the jobs' rounds) would start a trace of its own every
 * few hundred milliseconds: those are not recorded. Queries inside a request
 * or a handled event follow their trace.
 */
function backgroundQueriesOff(sampler: Sampler, notRecord: SamplingDecision): Sampler {
  return {
    shouldSample(ctx, traceId, name, kind, attributes, links) {
      if (name.startsWith("prisma:") && !trace.getSpanContext(ctx)) return { decision: notRecord };
      return sampler.shouldSample(ctx, traceId, name, kind, attributes, links);
    },
    toString: () => `BackgroundQueriesOff{${sampler.toString()}}`,
  };
}

export const tracer = () => trace.getTracer(TRACER_NAME);

/** The active trace id, if any (a request's, a consumed event's). */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** The W3C traceparent of a context (default: the active one), or undefined when it holds no valid span. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context continuing the trace a traceparent names (the root context when it is missing or malformed). */
export function contextFromTraceparent(traceparent: string | undefined | null): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Rows read back from the outbox or the email table carry their stored
 * traceparent beside them, not in them: the domain's types know nothing of
 * tracing. Keyed weakly by the object the repository returned.
 */
const carried = new WeakMap<object, string>();

export function carryTraceparent<T extends object>(value: T, traceparent: string | null | undefined): T {
  if (traceparent) carried.set(value, traceparent);
  return value;
}

export function carriedTraceparent(value: object): string | undefined {
  return carried.get(value);
}

/**
 * While a consumer handles a batch of events from many traces in one
 * transaction, what it writes for one of them (the next event of an order,
 * the email an event asked for) belongs to that event's trace, not to
 * whichever is active. The consumer names each event's context here.
 */
export interface BatchTraceScope {
  readonly byEventId: ReadonlyMap<string, Context>;
  readonly byAggregateId: ReadonlyMap<string, Context>;
}

const batchScope = new AsyncLocalStorage<BatchTraceScope>();

export function runInBatchTraceScope<T>(scope: BatchTraceScope, fn: () => T): T {
  return batchScope.run(scope, fn);
}

/** The traceparent to store with a row written for an event or an aggregate: its batch's context for it, else the active one. */
export function traceparentFor(of: { eventId?: string; aggregateId?: string } = {}): string | undefined {
  const scope = batchScope.getStore();
  const ctx = (of.eventId && scope?.byEventId.get(of.eventId)) || (of.aggregateId && scope?.byAggregateId.get(of.aggregateId)) || context.active();
  return traceparentOf(ctx);
}

/**
 * Runs fn in a new span (a child of `parent`, default the active context) and
 * ends it: an error is recorded on the span and rethrown.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error (and its causes, as the exception's message chain). */
export function recordError(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  // The whole chain: the outer error is often a generic "transaction failed".
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeCauses(error).slice(0, 2_000) });
}

export { SpanKind, SpanStatusCode, context, trace, propagation, ROOT_CONTEXT };
export type { Context, Span, Link, Attributes };
