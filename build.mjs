// Bundles every view in widgets/<name>/index.js (+ index.css) into nblabel/static/<name>.js/.css.
// The shared code in js/ and a view's own modules beside its index.js are inlined into its bundle,
// so a bundle never imports anything at run time.
import * as esbuild from "esbuild";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const views = readdirSync("widgets", { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join("widgets", entry.name, "index.js")))
  .map((entry) => entry.name);

const entryPoints = views.flatMap((name) => {
  const entries = [{ in: `widgets/${name}/index.js`, out: name }];
  if (existsSync(`widgets/${name}/index.css`)) entries.push({ in: `widgets/${name}/index.css`, out: name });
  return entries;
});

const options = {
  entryPoints,
  outdir: "nblabel/static",
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: !process.argv.includes("--watch"),
  sourcemap: false,
  logLevel: "info",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
