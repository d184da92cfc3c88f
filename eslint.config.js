import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ["generated/**", ".next/**", "node_modules/**", "next-env.d.ts", "data/**", "test-results/**", "tmp/**", "backups/**"] },
];

export default config;
