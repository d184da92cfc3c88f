/**
 * The direction of imports (README, "Architecture"): each layer of lib imports only the layers
 * below it, app imports lib, and nothing imports in a circle.
 *   lib/core      pure rules and shapes: no Next, no database, nothing of the app
 *   lib/server    kernel: database client, transactions, audit, permissions, auth primitives
 *   lib/features  one folder per feature (may use other features, never in a circle)
 *   lib/ops       backup, restore, health, migrations (scripts and readiness)
 *   lib/http      Next glue: API handler, export route, session, next-auth options, form state
 */
const layers = ["core", "server", "features", "ops", "http"];
const above = (layer) => layers.slice(layers.indexOf(layer) + 1);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle hides which module owns what; cut it by moving the shared part down a layer.",
      from: {},
      to: { circular: true },
    },
    ...layers.slice(0, -1).map((layer) => ({
      name: `no-upward-from-${layer}`,
      severity: "error",
      comment: `lib/${layer} may import only the layers below it.`,
      from: { path: `^lib/${layer}/` },
      to: { path: `^(lib/(${above(layer).join("|")})/|app/)` },
    })),
    {
      name: "ops-for-scripts-and-readiness",
      severity: "error",
      comment: "lib/ops (backup, restore, migrations) is for scripts; of the routes only the readiness probe uses it.",
      from: { path: "^app/", pathNot: "^app/api/ready/" },
      to: { path: "^lib/ops/" },
    },
    {
      name: "lib-not-into-app",
      severity: "error",
      comment: "lib never imports a route or a component.",
      from: { path: "^lib/" },
      to: { path: "^app/" },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "lib/core runs anywhere (browser, scripts, tests): no Next, no database, no server modules.",
      from: { path: "^lib/core/" },
      to: {
        path: "^(generated/|node_modules/(next|next-auth|@prisma|better-sqlite3|pg|server-only)/)|^(fs|node:fs|child_process|node:child_process|net|node:net)$",
      },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      // @medplum/fhirtypes holds type declarations only, with no module to resolve.
      to: { couldNotResolve: true, pathNot: "^@medplum/fhirtypes$" },
    },
  ],
  required: [
    {
      name: "server-only-marked",
      severity: "error",
      comment: 'Every module of lib/server, lib/features and lib/http starts with import "server-only", so a browser bundle that reaches one fails the build.',
      module: {
        path: "^lib/(server|features|http)/",
        // Read by prisma.config.ts, which the Prisma CLI loads outside Next (where the marker throws).
        pathNot: "^lib/server/db-adapter\\.ts$",
      },
      to: { path: "^node_modules/server-only/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(generated|\\.next)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
