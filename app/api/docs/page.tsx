import type { Metadata } from "next";
import { buildOpenApiDocument } from "../v1/_lib/openapi";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-static";

type Json = Record<string, unknown>;
const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-900",
  post: "bg-emerald-100 text-emerald-900",
  patch: "bg-amber-100 text-amber-900",
  put: "bg-amber-100 text-amber-900",
  delete: "bg-rose-100 text-rose-900",
};

function SchemaBlock({ schema, label }: { schema: unknown; label: string }) {
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-sm text-indigo-700">{label}</summary>
      <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

/** A browsable reference of /api/v1, rendered on the server from the same OpenAPI document the API serves. */
export default function ApiDocsPage() {
  const doc = buildOpenApiDocument() as { info: Json; paths: Record<string, Record<string, Json>>; components: { schemas: Json } };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(operations.map((o) => (o.op.tags as string[])[0]!))];
  return (
    <article className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">Storefront API v1</h1>
        <p className="text-slate-700">{String(doc.info.description)}</p>
        <p className="text-sm text-slate-600">
          Base URL <code>/api/v1</code>. Machine-readable contract: <a className="text-indigo-700 underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
          Authenticate with <code>POST /api/v1/auth/token</code> and send <code>Authorization: Bearer &lt;accessToken&gt;</code>.
        </p>
      </header>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-3">
          <h2 id={`tag-${tag}`} className="text-xl font-semibold capitalize">
            {tag}
          </h2>
          <ul className="space-y-3">
            {operations
              .filter((o) => (o.op.tags as string[])[0] === tag)
              .map(({ path, method, op }) => (
                <li key={`${method} ${path}`} id={String(op.operationId)} className="rounded border border-slate-200 bg-white p-4">
                  <h3 className="flex flex-wrap items-center gap-2 font-mono text-sm">
                    <span className={`rounded px-2 py-0.5 font-semibold uppercase ${METHOD_STYLE[method] ?? ""}`}>{method}</span>
                    <span>{path}</span>
                    {op["x-access"] ? <span className="rounded bg-slate-100 px-2 py-0.5 font-sans text-xs text-slate-700">{String(op["x-access"])} only</span> : null}
                  </h3>
                  <p className="mt-1 text-sm">{String(op.summary)}</p>
                  {op.description ? <p className="mt-1 text-sm text-slate-600">{String(op.description)}</p> : null}
                  {(op.parameters as Json[]).length > 0 ? (
                    <table className="mt-2 w-full text-left text-sm">
                      <caption className="sr-only">Parameters</caption>
                      <thead>
                        <tr className="text-slate-600">
                          <th className="font-medium">Parameter</th>
                          <th className="font-medium">In</th>
                          <th className="font-medium">Required</th>
                          <th className="font-medium">Description</th>
                        </tr>
                      </thead>
                      <tbody>
                        {(op.parameters as Json[]).map((p) => (
                          <tr key={`${String(p.in)}-${String(p.name)}`}>
                            <td className="font-mono">{String(p.name)}</td>
                            <td>{String(p.in)}</td>
                            <td>{p.required ? "yes" : "no"}</td>
                            <td className="text-slate-600">{p.description ? String(p.description) : ""}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : null}
                  {Object.entries((op.requestBody as { content: Record<string, { schema: unknown }> } | undefined)?.content ?? {}).map(([mediaType, { schema }]) => (
                    <SchemaBlock key={mediaType} label={`Request body, ${mediaType} (JSON schema)`} schema={schema} />
                  ))}
                  <h4 className="mt-2 text-sm font-medium">Responses</h4>
                  <ul className="text-sm">
                    {Object.entries(op.responses as Record<string, Json>).map(([status, r]) => (
                      <li key={status}>
                        <span className="font-mono">{status}</span> {String(r.description)}
                        {r.content ? <SchemaBlock label="Body schema" schema={Object.values(r.content as Record<string, { schema: unknown }>)[0]!.schema} /> : null}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
          </ul>
        </section>
      ))}
      <section aria-labelledby="schemas" className="space-y-2">
        <h2 id="schemas" className="text-xl font-semibold">
          Shared schemas
        </h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <SchemaBlock key={name} label={name} schema={schema} />
        ))}
      </section>
    </article>
  );
}
