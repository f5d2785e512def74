// import() of a user's migration module. A module of its own: the CLI runs its command bundles
// as vm scripts (cli/bundle-loader.ts), where node has no import(); the build keeps this
// module a separate CommonJS file (dist/bundle/import-module.cjs), loaded as a real module.
export function importModule(url: string): Promise<unknown> {
  return import(url);
}
