import { ungzip } from "pako";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiClient, XLSX_TYPE } from "./client";
import { ApiError, toProblem } from "./errors";
import { gzipText } from "./gzip";
import { loadConnection, saveConnection } from "./settings";

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    return respond(call);
  });
  return { fn: fn as unknown as typeof fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const bodyText = (init: RequestInit) => new TextDecoder().decode(ungzip(init.body as Uint8Array));

describe("gzip", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("gzips with CompressionStream", async () => {
    expect(typeof CompressionStream).toBe("function");
    const text = JSON.stringify({ big: "é".repeat(100_000) });
    const out = await gzipText(text);
    expect(out.length).toBeLessThan(text.length / 10);
    expect(new TextDecoder().decode(ungzip(out))).toBe(text);
  });

  it("falls back to pako without CompressionStream", async () => {
    vi.stubGlobal("CompressionStream", undefined);
    const out = await gzipText("hello folio");
    expect([out[0], out[1]]).toEqual([0x1f, 0x8b]);
    expect(new TextDecoder().decode(ungzip(out))).toBe("hello folio");
  });
});

describe("ApiClient", () => {
  it("makes, lists and revokes a plan's share links with the API token", async () => {
    const share = { id: "sh_1", job: "job 1", created_at: "2026-12-01T10:00:00Z", expires_at: "2026-12-08T10:00:00Z", revoked_at: null, active: true };
    const f = fakeFetch((call) =>
      call.init.method === "POST"
        ? json({ ...share, url: "http://folio.test/s/tok" }, 201)
        : call.init.method === "GET"
          ? json({ shares: [share] })
          : json({ ...share, revoked_at: "2026-12-01T11:00:00Z", active: false }),
    );
    const api = new ApiClient({ baseUrl: "http://folio.test", token: "s3cret", fetchImpl: f.fn });
    expect((await api.createShare("job 1", 30)).url).toBe("http://folio.test/s/tok");
    expect(f.calls[0].url).toBe("http://folio.test/api/jobs/job%201/shares");
    expect(JSON.parse(bodyText(f.calls[0].init))).toEqual({ expires_in_days: 30 });
    // with the sharer's time zone: the shared page says its times on that clock
    await api.createShare("job 1", 7, "Europe/Berlin");
    expect(JSON.parse(bodyText(f.calls.pop()!.init))).toEqual({ expires_in_days: 7, tz: "Europe/Berlin" });
    expect(await api.listShares("job 1")).toEqual([share]);
    expect((await api.revokeShare("job 1", "sh_1")).active).toBe(false);
    expect(f.calls.map((c) => [c.init.method, c.url])).toEqual([
      ["POST", "http://folio.test/api/jobs/job%201/shares"],
      ["GET", "http://folio.test/api/jobs/job%201/shares"],
      ["DELETE", "http://folio.test/api/jobs/job%201/shares/sh_1"],
    ]);
    for (const c of f.calls) expect((c.init.headers as Record<string, string>).Authorization).toBe("Bearer s3cret");
  });

  it("posts a dataset as gzipped JSON with the bearer token", async () => {
    const f = fakeFetch(() => json({ id: "ds1", name: "demo" }, 201, { Location: "/api/datasets/ds1" }));
    const api = new ApiClient({ baseUrl: "http://folio.test/", token: "s3cret", fetchImpl: f.fn });
    const tables = { history: [["campaign", "product_id", "units"], [1, "A", 3]] };
    const ds = await api.createDataset("demo", tables);
    expect(ds.id).toBe("ds1");
    const { url, init } = f.calls[0];
    expect(url).toBe("http://folio.test/api/datasets");
    expect(init.method).toBe("POST");
    const headers = init.headers as Record<string, string>;
    expect(headers["Content-Encoding"]).toBe("gzip");
    expect(headers["Content-Type"]).toBe("application/json");
    expect(headers.Authorization).toBe("Bearer s3cret");
    expect(JSON.parse(bodyText(init))).toEqual({ name: "demo", tables });
  });

  it("takes the id from Location when the body has none, and sends Idempotency-Key", async () => {
    const f = fakeFetch(() => new Response(null, { status: 201, headers: { Location: "/api/jobs/j-42" } }));
    const api = new ApiClient({ fetchImpl: f.fn, location: { href: "http://x.test/" } });
    const job = await api.createJob({ kind: "train", dataset: "ds1" }, "key-1");
    expect(job).toMatchObject({ id: "j-42", kind: "train", status: "queued" });
    const headers = f.calls[0].init.headers as Record<string, string>;
    expect(headers["Idempotency-Key"]).toBe("key-1");
    expect(headers.Authorization).toBeUndefined();
    expect(JSON.parse(bodyText(f.calls[0].init))).toEqual({ kind: "train", dataset: "ds1" });
  });

  it("parses application/problem+json into an ApiError with cells", async () => {
    const problem = {
      type: "about:blank",
      title: "Invalid table",
      status: 422,
      detail: "history has 2 problems",
      code: "invalid_table",
      errors: [
        { table: "history", row: 3, column: "units", cell: "C3", message: "must be a number >= 0" },
        { table: "history", row: 5, column: "product_id", cell: "B5", message: "required" },
      ],
    };
    const f = fakeFetch(
      () => new Response(JSON.stringify(problem), { status: 422, headers: { "Content-Type": "application/problem+json" } }),
    );
    const api = new ApiClient({ fetchImpl: f.fn });
    const err = await api.createDataset("x", {}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: "invalid_table", detail: "history has 2 problems" });
    expect(err.errors).toHaveLength(2);
    expect(err.errors[0]).toEqual(problem.errors[0]);
    expect(toProblem(err).errors?.[1].cell).toBe("B5");
  });

  it("makes an ApiError from a non-JSON error and from a network failure", async () => {
    const html = fakeFetch(() => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const e1 = await new ApiClient({ fetchImpl: html.fn }).getJob("j1").catch((e) => e);
    expect(e1).toMatchObject({ status: 502, code: "internal" });
    expect(e1.detail).toMatch(/502/);

    const down = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const e2 = await new ApiClient({ fetchImpl: down, baseUrl: "http://127.0.0.1:9" }).health().catch((e) => e);
    expect(e2).toMatchObject({ status: 0, code: "unreachable" });
    expect(e2.detail).toMatch(/Cannot reach the Folio server at http:\/\/127.0.0.1:9/);
  });

  it("uploads a workbook raw with its type and X-Filename", async () => {
    const f = fakeFetch(() => json({ sheets: { history: [["a"], [1]] } }));
    const api = new ApiClient({ fetchImpl: f.fn });
    const file = new Blob(["a\n1\n"]);
    const out = await api.parseWorkbook(file, "sales.csv");
    expect(out.sheets.history).toEqual([["a"], [1]]);
    const { url, init } = f.calls[0];
    expect(url).toBe("/api/workbooks");
    const headers = init.headers as Record<string, string>;
    expect(headers["Content-Type"]).toBe("text/csv");
    expect(headers["X-Filename"]).toBe("sales.csv");
    expect(headers["Content-Encoding"]).toBeUndefined();
    expect(init.body).toBe(file);

    await api.parseWorkbook(new Blob(["x"]), "Ventes é.xlsx");
    const h2 = f.calls[1].init.headers as Record<string, string>;
    expect(h2["Content-Type"]).toBe(XLSX_TYPE);
    expect(h2["X-Filename"]).toBe("Ventes%20%C3%A9.xlsx");
  });

  it("downloads result.xlsx as a Blob with the token, and cancels with DELETE", async () => {
    const f = fakeFetch((c) =>
      c.init.method === "DELETE" ? json({ id: "j1", status: "cancelled" }) : new Response(new Uint8Array([80, 75, 3, 4])),
    );
    const api = new ApiClient({ fetchImpl: f.fn, token: "t" });
    const blob = await api.resultWorkbook("j1");
    expect(blob.size).toBe(4);
    expect(f.calls[0].url).toBe("/api/jobs/j1/result.xlsx");
    expect((f.calls[0].init.headers as Record<string, string>).Authorization).toBe("Bearer t");
    await api.cancelJob("j1");
    expect(f.calls[1]).toMatchObject({ url: "/api/jobs/j1", init: { method: "DELETE" } });
    // on the planner's clock: the page sends its time zone (UTC is the server's default)
    await api.resultWorkbook("j1", "Europe/Berlin");
    expect(f.calls[2].url).toBe("/api/jobs/j1/result.xlsx?tz=Europe%2FBerlin");
    await api.resultWorkbook("j1", "UTC");
    expect(f.calls[3].url).toBe("/api/jobs/j1/result.xlsx");
  });

  it("builds the websocket URL from the base URL, with ?token=", () => {
    expect(new ApiClient({ location: { href: "https://folio.test/app/taskpane.html" } }).wsUrl()).toBe("wss://folio.test/ws");
    expect(new ApiClient({ baseUrl: "http://h:8000", token: "a b" }).wsUrl()).toBe("ws://h:8000/ws?token=a+b");
  });
});

describe("connection settings", () => {
  it("round-trips through localStorage and survives garbage", () => {
    expect(loadConnection()).toEqual({ baseUrl: "", token: "" });
    saveConnection({ baseUrl: " http://h:8000 ", token: "t " });
    expect(loadConnection()).toEqual({ baseUrl: "http://h:8000", token: "t" });
    localStorage.setItem("folio.connection", "{nope");
    expect(loadConnection()).toEqual({ baseUrl: "", token: "" });
  });
});
