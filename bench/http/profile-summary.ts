// Summarises a V8 CPU profile (.cpuprofile, from `node --cpu-prof`) by where the time was
// spent: self time per package (a workspace package, a dependency, node's own modules, or
// V8's (garbage collector), (program), (idle)) and the files with most self time.
// Usage: tsx http/profile-summary.ts <file.cpuprofile> [top files, default 25]
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, top = "25"] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

const packageOf = (url: string, name: string): string => {
  if (url === "") return name.startsWith("(") ? name : "(native)";
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace !== null && !url.includes("node_modules")) return `@leadledger/${workspace[1]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
    url,
  );
  if (dependency !== null) return dependency[1] ?? url;
  if (url.startsWith("node:")) return "node";
  return url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
};

const selfByPackage = new Map<string, number>();
const selfByFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const node = byId.get(id);
  const delta = profile.timeDeltas[index] ?? 0;
  if (node === undefined) return;
  const { url, functionName } = node.callFrame;
  total += delta;
  const pkg = packageOf(url, functionName);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + delta);
  const shortFile = url === "" ? functionName : url.replace(/^.*\/(packages|node_modules)\//, "");
  selfByFile.set(shortFile, (selfByFile.get(shortFile) ?? 0) + delta);
});

const print = (title: string, table: Map<string, number>, limit: number): void => {
  console.log(title);
  for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
  }
};
console.log(`# ${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print("## self time by package", selfByPackage, 30);
print("## self time by file", selfByFile, Number(top));
