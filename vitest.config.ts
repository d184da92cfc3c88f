import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@": fileURLToPath(new URL(".", import.meta.url)),
  // Tests run the server modules in Node: the marker that keeps them out of browser bundles is
  // resolved as Next resolves it on the server (its "react-server" entry, an empty module).
  "server-only": fileURLToPath(new URL("node_modules/server-only/empty.js", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/setup/integration.ts"],
          // Each file gets its own fresh database; files share nothing.
          pool: "forks",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Browser tests against a running production server: run them with `npm run test:e2e`,
          // which builds, starts the server on a fresh database and sets E2E_BASE_URL.
          name: "e2e",
          include: ["tests/e2e/**/*.e2e.ts"],
          environment: "node",
          setupFiles: ["tests/e2e/support/setup.ts"],
          // One shared server and database: files run one after another in a single fork.
          pool: "forks",
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
