import type { NextConfig } from "next";
import { securityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Benchmarks and parallel test runs build into their own folder (NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // Server-only packages that must not be bundled (WASM, worker threads, native pools).
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pg-boss", "pino"],
  // The Prisma client is generated into lib/, so type checks run in `npm run typecheck`
  // and CI; the build still fails on type errors.
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
