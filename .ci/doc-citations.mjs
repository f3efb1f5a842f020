// Checks that what the docs and the code comments cite of the business rules exists: no
// page the repository does not contain (the DOMAIN.md and ARCHITECTURE.md of the original
// specification), every "domain.md §N" a section of docs/domain.md, and every "rule N" one
// of the rules numbered in its §3. Run from the repository root; exits 1 with each bad
// citation listed.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const domain = readFileSync("docs/domain.md", "utf8");
const sections = new Set(
  [...domain.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((match) => match[1]),
);
const rulesPart = domain.slice(domain.search(/^## 3\. /m), domain.search(/^## 4\. /m));
const ruleCount = [...rulesPart.matchAll(/^(\d+)\. /gm)].length;

const files = execFileSync("git", ["ls-files", "-z", "--", "*.md", "*.ts", "*.mjs"], {
  encoding: "utf8",
})
  .split("\0")
  .filter((file) => file !== "" && file !== ".ci/doc-citations.mjs");

const problems = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // listed by git but removed from the work tree
  }
  text.split("\n").forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    for (const match of line.matchAll(/\b(DOMAIN|ARCHITECTURE)\.md\b/g)) {
      problems.push(`${where}: cites ${match[0]}, which the repository does not contain`);
    }
    // "domain.md §7", "[domain.md](domain.md) §7", "docs/domain.md §5–6"
    for (const match of line.matchAll(
      /domain\.md(?:\]\([^)]*\))? §(\d+(?:\.\d+)?)(?:[–-](\d+))?/g,
    )) {
      for (const section of [match[1], match[2]].filter((s) => s !== undefined)) {
        if (!sections.has(section)) problems.push(`${where}: docs/domain.md has no §${section}`);
      }
    }
    for (const match of line.matchAll(/\brules? (\d+)\b/g)) {
      const rule = Number(match[1]);
      if (rule < 1 || rule > ruleCount) {
        problems.push(
          `${where}: rule ${rule}, but docs/domain.md §3 numbers rules 1 to ${ruleCount}`,
        );
      }
    }
  });
}

if (ruleCount === 0 || sections.size === 0)
  problems.push("docs/domain.md: no numbered sections or rules found");
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(
  `doc citations: ${files.length} files cite only docs/domain.md's ${sections.size} sections and ${ruleCount} rules`,
);
