/**
 * What the HTTP benchmarks share: starting a built app with `npm start` (scripts/start.js of that
 * checkout) on a database, signing clinicians in through next-auth's credentials callback, the
 * server's CPU time, and closed-loop load with autocannon (each connection its own session).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { BENCH_PASSWORD } from "./synthetic";

export interface Stats {
  median: number;
  p95: number;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, p95: at(0.95) };
}

/** The value at quantile q (0..1) of values, by the nearest-rank rule. */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}

export async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/** Signs `email` in with the bench password; returns the session cookie (`name=value`). */
export async function signIn(base: string, email: string): Promise<string> {
  const csrf = await fetch(new URL("/api/auth/csrf", base));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(new URL("/api/auth/callback/credentials", base), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password: BENCH_PASSWORD, json: "true" }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  if (!session) throw new Error(`Signing in as ${email} failed (HTTP ${res.status} ${res.headers.get("location") ?? ""})`);
  return session;
}

export interface RunningApp {
  base: string;
  server: ChildProcess;
  /** What the server printed, for the error message when something fails. */
  output: string[];
  stop(): Promise<void>;
}

/** `npm start` of the built app in `appDir` on `databaseUrl`, answering on 127.0.0.1:port. */
export async function startApp(appDir: string, databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<RunningApp> {
  if (!fs.existsSync(path.join(appDir, ".next", "BUILD_ID"))) throw new Error(`No production build in ${appDir}/.next: run npm run build there first`);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join(appDir, "scripts", "start.js"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      NEXTAUTH_URL: base,
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  server.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
  server.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
  const stop = async () => {
    if (server.exitCode !== null) return;
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
    try {
      process.kill(-server.pid!, "SIGKILL");
    } catch {
      // gone
    }
  };
  try {
    await waitFor(`${base}/signin`, 90_000);
  } catch (error) {
    console.error(output.join("").slice(-4000));
    await stop();
    throw error;
  }
  return { base, server, output, stop };
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(" ").filter(Boolean)) out.push(Number(c), ...childrenOf(Number(c)));
    } catch {
      // thread gone
    }
  }
  return out;
}

/**
 * CPU time in milliseconds used so far by the process `pid`, its threads and its descendants
 * (Linux schedstat: nanoseconds on CPU, per thread). Finer than the 10 ms ticks of /proc/<pid>/stat,
 * so one request's CPU can be read as the difference before and after it.
 */
export function treeCpuMs(pid: number): number {
  let ns = 0;
  for (const p of [pid, ...childrenOf(pid)]) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        ns += Number(fs.readFileSync(`/proc/${p}/task/${t}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // thread ended between the listing and the read
      }
    }
  }
  return ns / 1e6;
}

export interface ClosedLoopResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * `connections` clients, each with its own session cookie, asking for `paths` in turn for
 * `seconds`, each asking again as soon as it has its answer (the server's ceiling).
 */
export async function closedLoop(base: string, cookies: string[], paths: string[], connections: number, seconds: number): Promise<ClosedLoopResult> {
  let next = 0;
  let conn = 0;
  const latencies: number[] = [];
  const ac = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        requests: [
          {
            method: "GET",
            setupRequest: ((req: autocannon.Request, context: Record<string, unknown>) => {
              if (context.cookie === undefined) context.cookie = cookies[conn++ % cookies.length];
              return { ...req, path: paths[next++ % paths.length], headers: { ...req.headers, Cookie: context.cookie as string } };
            }) as (req: autocannon.Request, context: object) => autocannon.Request,
          },
        ],
        initialContext: {},
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    // Every response's time, for exact percentiles (autocannon's summary has no p95).
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
  return {
    requests: ac.requests.total,
    rps: ac.requests.average,
    p50: Math.round(quantile(latencies, 0.5)),
    p95: Math.round(quantile(latencies, 0.95)),
    p99: Math.round(quantile(latencies, 0.99)),
    errors: ac.errors + ac.timeouts,
    non2xx: ac.non2xx,
  };
}
