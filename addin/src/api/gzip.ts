import { gzip as pakoGzip } from "pako";

/** True when the browser can gzip natively (current Chromium, Edge WebView2, Safari 16.4+). */
export function hasCompressionStream(): boolean {
  return typeof (globalThis as { CompressionStream?: unknown }).CompressionStream === "function";
}

async function gzipNative(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream("gzip");
  const writer = cs.writable.getWriter();
  // Not awaited on purpose: the readable side must be drained concurrently or the
  // stream's backpressure would block the write.
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const reader = cs.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await written;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Gzip a string as UTF-8; `CompressionStream('gzip')` when available, else pako. */
export async function gzipText(text: string): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  if (hasCompressionStream()) {
    try {
      return await gzipNative(bytes);
    } catch {
      // fall through to pako (some WebViews expose a broken CompressionStream)
    }
  }
  return pakoGzip(bytes);
}
