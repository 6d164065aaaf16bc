/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "addin");

// One React bundle, two HTML entries: the standalone page (/) and the Excel task pane
// (/taskpane.html). Relative base so the Flask server can serve static/ at its root.
export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, "static"),
    emptyOutDir: true,
    // No source maps in the served build (1.5 MB of our sources); `npm run dev` has its own.
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(root, "index.html"),
        taskpane: resolve(root, "taskpane.html"),
      },
    },
  },
  server: {
    // `npm run dev` talks to a local Folio server on :8000
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/ws": { target: "ws://127.0.0.1:8000", ws: true },
    },
  },
  test: {
    root,
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    restoreMocks: true,
  },
});
