import { isTerminal } from "./types";
import type { JobRecord, JobStatus, Problem, WsProgressMessage, WsServerMessage } from "./types";

/** The part of the WebSocket interface we use (a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
}

export interface WatchHandlers {
  /** The job's full record: first message after (re)subscribing, and every poll while the socket is down. */
  onState?(record: JobRecord): void;
  onProgress?(progress: WsProgressMessage): void;
  /** Called once, when the job reaches succeeded/failed/cancelled. */
  onFinished?(status: JobStatus, error?: Problem | null): void;
}

export type ConnectionState = "idle" | "connecting" | "open" | "down";

export interface JobSocketOptions {
  url: string | (() => string);
  /** GET /api/jobs/{id}: used while the socket is down. */
  poll(jobId: string): Promise<JobRecord>;
  createSocket?(url: string): SocketLike;
  initialDelayMs?: number;
  maxDelayMs?: number;
  pollIntervalMs?: number;
  random?: () => number;
  onConnectionChange?(state: ConnectionState): void;
}

const OPEN = 1;

/**
 * One websocket to `/ws` shared by every watched job. Subscribes with `{"subscribe": id}`,
 * reconnects with exponential backoff and re-subscribes; while the socket is down it polls
 * `GET /api/jobs/{id}` so the UI keeps the truth.
 */
export class JobSocket {
  private readonly opts: Required<Omit<JobSocketOptions, "onConnectionChange">> &
    Pick<JobSocketOptions, "onConnectionChange">;
  private readonly watches = new Map<string, WatchHandlers>();
  private socket: SocketLike | undefined;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private _state: ConnectionState = "idle";

  constructor(opts: JobSocketOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      initialDelayMs: 500,
      maxDelayMs: 15000,
      pollIntervalMs: 2000,
      random: Math.random,
      ...opts,
    };
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** Follow a job; returns a function that stops following it. */
  watch(jobId: string, handlers: WatchHandlers): () => void {
    this.closed = false;
    this.watches.set(jobId, handlers);
    if (this.socket && this.socket.readyState === OPEN) this.subscribe(jobId);
    else if (!this.socket && this.reconnectTimer === undefined) this.connect();
    if (this._state === "down") this.startPolling();
    return () => this.unwatch(jobId, handlers);
  }

  /** Stop everything: no reconnects, no polling. */
  close(): void {
    this.closed = true;
    this.watches.clear();
    this.clearTimers();
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      s.onerror = null;
      s.onopen = null;
      try {
        s.close(1000, "client closed");
      } catch {
        // already closed
      }
    }
    this.setState("idle");
  }

  /** The next reconnect delay: exponential from initialDelayMs, capped, with up to 20 % jitter. */
  backoffDelay(attempt: number): number {
    const base = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** attempt);
    return Math.round(base * (1 + 0.2 * this.opts.random()));
  }

  private unwatch(jobId: string, handlers: WatchHandlers): void {
    if (this.watches.get(jobId) === handlers) this.watches.delete(jobId);
    if (this.watches.size === 0) this.stopPolling();
  }

  private connect(): void {
    if (this.closed) return;
    this.reconnectTimer = undefined;
    const url = typeof this.opts.url === "function" ? this.opts.url() : this.opts.url;
    this.setState("connecting");
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(url);
    } catch {
      this.onDown();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState("open");
      this.stopPolling();
      for (const id of this.watches.keys()) this.subscribe(id);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.dispatch(ev.data);
    };
    socket.onerror = () => {
      // a close event follows; reconnecting is handled there
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.onDown();
    };
  }

  private onDown(): void {
    if (this.closed) return;
    this.setState("down");
    if (this.watches.size > 0) this.startPolling();
    const delay = this.backoffDelay(this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private subscribe(jobId: string): void {
    try {
      this.socket?.send(JSON.stringify({ subscribe: jobId }));
    } catch {
      // the close handler will reconnect and subscribe again
    }
  }

  private dispatch(raw: unknown): void {
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(String(raw)) as WsServerMessage;
    } catch {
      return;
    }
    if (!msg || typeof msg !== "object" || !("job" in msg) || !msg.job) return;
    const handlers = this.watches.get(msg.job);
    if (!handlers) return;
    switch (msg.type) {
      case "state":
        handlers.onState?.(msg.record);
        if (isTerminal(msg.record?.status)) this.finish(msg.job, msg.record.status, msg.record.error);
        break;
      case "progress":
        handlers.onProgress?.(msg);
        break;
      case "finished":
        this.finish(msg.job, msg.status, msg.error);
        break;
      case "error":
        // the server knows no such job: nothing will ever arrive for it
        if ((msg as { code?: string }).code === "not_found")
          this.finish(msg.job!, "failed", {
            code: "not_found",
            title: "Job not found",
            detail: String((msg as { detail?: unknown }).detail ?? `The server has no job ${msg.job}.`),
          });
        break;
      default:
        break;
    }
  }

  private finish(jobId: string, status: JobStatus, error?: Problem | null): void {
    const handlers = this.watches.get(jobId);
    if (!handlers) return;
    this.watches.delete(jobId);
    if (this.watches.size === 0) this.stopPolling();
    handlers.onFinished?.(status, error);
  }

  private startPolling(): void {
    if (this.pollTimer !== undefined) return;
    this.pollTimer = setInterval(() => void this.pollOnce(), this.opts.pollIntervalMs);
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** One round of GET /api/jobs/{id} for every watched job (exposed for tests). */
  async pollOnce(): Promise<void> {
    const ids = [...this.watches.keys()];
    await Promise.all(
      ids.map(async (id) => {
        let record: JobRecord;
        try {
          record = await this.opts.poll(id);
        } catch {
          return; // server down too: try again next interval
        }
        const handlers = this.watches.get(id);
        if (!handlers || this._state === "open") return;
        handlers.onState?.(record);
        if (isTerminal(record.status)) this.finish(id, record.status, record.error);
      }),
    );
  }

  private clearTimers(): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.stopPolling();
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.opts.onConnectionChange?.(state);
  }
}
