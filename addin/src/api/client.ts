import { ApiError, codeForStatus } from "./errors";
import { gzipText } from "./gzip";
import type {
  DatasetCreate,
  DatasetRecord,
  JobRecord,
  JobRequest,
  Share,
  ShareCreated,
  Tables,
  WorkbookSheets,
} from "./types";

export interface ApiClientOptions {
  /** "" = same origin as the page. */
  baseUrl?: string;
  token?: string;
  fetchImpl?: typeof fetch;
  /** Gzip JSON request bodies (default true). */
  gzip?: boolean;
  /** Used to resolve a relative base URL (tests). */
  location?: { href: string };
}

interface RequestOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** How to read a successful response. */
  as?: "json" | "blob" | "none";
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** HTTP client for the Folio API: bearer token, gzip'd JSON bodies, problem+json errors. */
export class ApiClient {
  readonly baseUrl: string;
  readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly gzip: boolean;
  private readonly location?: { href: string };

  constructor(opts: ApiClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? "").trim().replace(/\/+$/, "");
    this.token = (opts.token ?? "").trim();
    this.fetchImpl = opts.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
    this.gzip = opts.gzip ?? true;
    this.location = opts.location ?? (typeof window !== "undefined" ? window.location : undefined);
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Websocket URL (`/ws` on the same server), with `?token=` when a token is set. */
  wsUrl(): string {
    const base = new URL(this.baseUrl || "/", this.location?.href ?? "http://localhost/");
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    base.pathname = `${base.pathname.replace(/\/+$/, "")}/ws`;
    base.search = "";
    base.hash = "";
    if (this.token) base.searchParams.set("token", this.token);
    return base.toString();
  }

  /** A short human name of the server for messages. */
  describeServer(): string {
    return this.baseUrl || (this.location ? new URL(this.location.href).origin : "this server");
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<{ data: T; response: Response }> {
    const headers: Record<string, string> = { Accept: "application/json, application/problem+json", ...opts.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined = opts.body;
    if (opts.json !== undefined) {
      const text = JSON.stringify(opts.json);
      headers["Content-Type"] = "application/json";
      if (this.gzip) {
        body = (await gzipText(text)) as Uint8Array<ArrayBuffer>;
        headers["Content-Encoding"] = "gzip";
      } else {
        body = text;
      }
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path), { method, headers, body });
    } catch (err) {
      throw new ApiError({
        status: 0,
        code: "unreachable",
        title: "Server unreachable",
        detail: `Cannot reach the Folio server at ${this.describeServer()} (${
          err instanceof Error ? err.message : String(err)
        }). Check that it is running and the server URL in Connection.`,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    const as = opts.as ?? "json";
    let data: unknown = undefined;
    if (as === "blob") data = await response.blob();
    else if (as === "json" && response.status !== 204) {
      const text = await response.text();
      data = text ? JSON.parse(text) : undefined;
    }
    return { data: data as T, response };
  }

  health(): Promise<Record<string, unknown>> {
    return this.request<Record<string, unknown>>("GET", "/api/health").then((r) => r.data);
  }

  async createDataset(name: string, tables: Tables): Promise<DatasetRecord> {
    const payload: DatasetCreate = { name, tables };
    const { data, response } = await this.request<DatasetRecord | undefined>("POST", "/api/datasets", { json: payload });
    const id = data?.id ?? idFromLocation(response);
    if (!id) throw new ApiError({ status: response.status, code: "internal", detail: "The server created the dataset but sent no id." });
    return { ...(data ?? { name }), id } as DatasetRecord;
  }

  getDataset(id: string): Promise<DatasetRecord> {
    return this.request<DatasetRecord>("GET", `/api/datasets/${encodeURIComponent(id)}`).then((r) => r.data);
  }

  async createJob(req: JobRequest, idempotencyKey?: string): Promise<JobRecord> {
    const headers: Record<string, string> = {};
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const { data, response } = await this.request<JobRecord | undefined>("POST", "/api/jobs", { json: req, headers });
    const id = data?.id ?? idFromLocation(response);
    if (!id) throw new ApiError({ status: response.status, code: "internal", detail: "The server started the job but sent no id." });
    return { kind: req.kind, status: "queued", ...(data ?? {}), id } as JobRecord;
  }

  getJob(id: string): Promise<JobRecord> {
    return this.request<JobRecord>("GET", `/api/jobs/${encodeURIComponent(id)}`).then((r) => r.data);
  }

  cancelJob(id: string): Promise<JobRecord | undefined> {
    return this.request<JobRecord | undefined>("DELETE", `/api/jobs/${encodeURIComponent(id)}`).then((r) => r.data);
  }

  /** The job's result as a workbook (fetched with the token, so it works with auth). */
  /** The job's result.xlsx; `timeZone` (an IANA name, the planner's) puts its run record's times on that clock, else UTC. */
  resultWorkbook(id: string, timeZone?: string): Promise<Blob> {
    const tz = timeZone && timeZone !== "UTC" ? `?tz=${encodeURIComponent(timeZone)}` : "";
    return this.request<Blob>("GET", `/api/jobs/${encodeURIComponent(id)}/result.xlsx${tz}`, { as: "blob" }).then((r) => r.data);
  }

  /** A read-only link to a finished plan, valid for `days` (the server allows up to 90). */
  createShare(jobId: string, days: number, timeZone?: string): Promise<ShareCreated> {
    // the page the link opens says its times on the sharer's clock (`timeZone`), else UTC
    const json = { expires_in_days: days, ...(timeZone && timeZone !== "UTC" ? { tz: timeZone } : {}) };
    return this.request<ShareCreated>("POST", `/api/jobs/${encodeURIComponent(jobId)}/shares`, { json }).then((r) => r.data);
  }

  /** A job's links, revoked and expired ones included (never their tokens). */
  listShares(jobId: string): Promise<Share[]> {
    return this.request<{ shares: Share[] }>("GET", `/api/jobs/${encodeURIComponent(jobId)}/shares`).then((r) => r.data?.shares ?? []);
  }

  /** Revoke one link: it answers 404 from now on. */
  revokeShare(jobId: string, shareId: string): Promise<Share> {
    return this.request<Share>("DELETE", `/api/jobs/${encodeURIComponent(jobId)}/shares/${encodeURIComponent(shareId)}`).then((r) => r.data);
  }

  /** Let the server parse an uploaded xlsx/csv into sheets of 2-D arrays. */
  parseWorkbook(file: Blob, filename: string): Promise<WorkbookSheets> {
    const type = file.type || (filename.toLowerCase().endsWith(".csv") ? "text/csv" : XLSX_TYPE);
    return this.request<WorkbookSheets>("POST", "/api/workbooks", {
      body: file,
      headers: { "Content-Type": type, "X-Filename": encodeFilename(filename) },
    }).then((r) => r.data);
  }

  demoWorkbook(): Promise<Blob> {
    return this.request<Blob>("GET", "/api/demo/workbook.xlsx", { as: "blob" }).then((r) => r.data);
  }
}

/** Header values must be ISO-8859-1; keep ASCII names as they are and percent-encode the rest. */
function encodeFilename(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
}

function idFromLocation(response: Response): string | undefined {
  const loc = response.headers.get("Location");
  if (!loc) return undefined;
  const last = loc.split("?")[0].replace(/\/+$/, "").split("/").pop();
  return last ? decodeURIComponent(last) : undefined;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const type = response.headers.get("Content-Type") ?? "";
  let text = "";
  try {
    text = await response.text();
  } catch {
    // body unreadable: fall back to the status line
  }
  if (type.includes("json") && text) {
    try {
      return ApiError.fromProblem(JSON.parse(text), response.status);
    } catch {
      // not JSON after all
    }
  }
  return new ApiError({
    status: response.status,
    code: codeForStatus(response.status),
    title: response.statusText || `HTTP ${response.status}`,
    detail: text && text.length < 300 && !/<html/i.test(text)
      ? text
      : `The server answered ${response.status} ${response.statusText}`.trim(),
  });
}
