import type { Problem, ProblemItem } from "./types";

/** An error from the Folio API (or from reaching it), in the shape of the contract's problem+json. */
export class ApiError extends Error implements Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type?: string;
  readonly errors: ProblemItem[];

  constructor(problem: Problem & { status: number; code: string }) {
    super(problem.detail || problem.title || problem.code);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title ?? problem.code;
    this.detail = problem.detail ?? problem.title ?? problem.code;
    this.type = problem.type;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }

  /** Build from a parsed problem+json body; missing fields are filled from the HTTP status. */
  static fromProblem(body: unknown, status: number): ApiError {
    const p = (body && typeof body === "object" ? body : {}) as Problem;
    return new ApiError({
      ...p,
      status: typeof p.status === "number" ? p.status : status,
      code: typeof p.code === "string" && p.code ? p.code : codeForStatus(status),
    });
  }

  toProblem(): Problem {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      errors: this.errors,
    };
  }
}

export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_encoding";
    case 429:
      return "rate_limited";
    default:
      return status >= 500 ? "internal" : "http_error";
  }
}

/** Turn anything thrown into a problem the UI can show. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return err.toProblem();
  if (err && typeof err === "object" && "code" in err && "detail" in err) return err as Problem;
  const message = err instanceof Error ? err.message : String(err);
  return { title: "Something went wrong", detail: message, code: "client_error", errors: [] };
}
