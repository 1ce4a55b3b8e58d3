// Discovers every route handler under app/api from the filesystem, so a suite that must cover
// all routes (tenant isolation, authentication) fails when a new route has no case.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { RouteHandler } from "./http";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const root = path.resolve(import.meta.dirname, "..", "..");
const apiDir = path.join(root, "app", "api");

export type DiscoveredRoute = {
  /** e.g. "/api/workspaces/[slug]/members/[memberId]" */
  path: string;
  file: string;
  methods: string[];
  handlers: Record<string, RouteHandler>;
};

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Every app/api route file with the HTTP methods it exports, sorted by path. */
export async function discoverApiRoutes(): Promise<DiscoveredRoute[]> {
  const routes: DiscoveredRoute[] = [];
  for (const file of routeFiles(apiDir)) {
    const relative = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep);
    // Route groups "(name)" do not appear in the URL.
    const urlPath = "/" + relative.filter((segment) => !/^\(.*\)$/.test(segment)).join("/");
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers: Record<string, RouteHandler> = {};
    for (const method of METHODS) if (typeof mod[method] === "function") handlers[method] = mod[method] as RouteHandler;
    routes.push({ path: urlPath, file: path.relative(root, file), methods: Object.keys(handlers), handlers });
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path));
}

/** "GET /api/workspaces/[slug]" for every exported method of every route. */
export async function discoverEndpoints() {
  const routes = await discoverApiRoutes();
  return routes.flatMap((route) => route.methods.map((method) => ({ key: `${method} ${route.path}`, method, route, handler: route.handlers[method] })));
}
