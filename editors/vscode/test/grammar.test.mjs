// Tokenizes every clause file of the repository (tests/cases, rules, and test/sample.treaty)
// with the TextMate grammar, through the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), and checks:
//   1. no keyword of the language (src/syntax/keywords.rs) is left as a plain identifier;
//   2. every keyword is scoped as a keyword at least once across the files;
//   3. comments, doc comments and strings are scoped as such, and keywords inside them are not.
// Exit 1 with the offending file:line:column on failure.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    if (scopeName !== "source.treaty") return null;
    const path = join(here, "..", "syntaxes", "treaty.tmLanguage.json");
    return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
  },
});
const grammar = await registry.loadGrammar("source.treaty");

const keywordSource = readFileSync(join(root, "src", "syntax", "keywords.rs"), "utf8");
const keywords = new Set([...keywordSource.matchAll(/kw\("([^"]+)"/g)].map((m) => m[1]));
if (keywords.size < 50) throw new Error(`read only ${keywords.size} keywords from keywords.rs`);

function treatyFiles(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "target" || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) treatyFiles(path, out);
    else if (name.endsWith(".treaty")) out.push(path);
  }
  return out;
}
const files = [
  ...treatyFiles(join(root, "tests", "cases"), []),
  ...treatyFiles(join(root, "rules"), []),
  join(here, "sample.treaty"),
];

const isKeywordScope = (s) =>
  s.startsWith("keyword.") || s.startsWith("storage.type") || s.startsWith("constant.language");
const failures = [];
const seen = new Set();
let tokens = 0;
for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n");
  let state = vsctm.INITIAL;
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    for (const token of result.tokens) {
      tokens++;
      const text = line.slice(token.startIndex, token.endIndex);
      const scopes = token.scopes;
      const where = `${relative(root, file)}:${i + 1}:${token.startIndex + 1}`;
      const inert = scopes.some((s) => s.startsWith("comment.") || s.startsWith("string."));
      if (scopes.some(isKeywordScope) && keywords.has(text)) seen.add(text);
      if (!inert && scopes.includes("variable.other.treaty") && keywords.has(text)) {
        failures.push(`${where}: keyword \`${text}\` scoped as a plain name`);
      }
      if (inert && scopes.some(isKeywordScope)) {
        failures.push(`${where}: \`${text}\` scoped as a keyword inside a comment or string`);
      }
    }
    const trimmed = line.trimStart();
    if (trimmed.startsWith("//")) {
      const first = result.tokens.find((t) => t.endIndex > line.length - trimmed.length);
      const want = trimmed.startsWith("///") ? "comment.line.documentation" : "comment.line.double-slash";
      if (!first || !first.scopes.some((s) => s.startsWith(want))) {
        failures.push(`${relative(root, file)}:${i + 1}: comment not scoped as ${want}`);
      }
    }
  });
}
for (const word of [...keywords].sort()) {
  if (!seen.has(word)) failures.push(`keyword \`${word}\` never scoped as a keyword in ${files.length} files`);
}
if (failures.length > 0) {
  console.error(failures.slice(0, 50).join("\n"));
  console.error(`${failures.length} failures`);
  process.exit(1);
}
console.log(`${files.length} files, ${tokens} tokens, all ${keywords.size} keywords scoped`);
