import ts from 'typescript';
import path from 'node:path';
import { readFileSync } from 'node:fs';
const nodeNames = new Set(readFileSync('/tmp/e17/node_sorted.txt', 'utf8').split('\n').filter(Boolean));
const entry = 'src/index.ts';
const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const mod = checker.getSymbolAtLocation(program.getSourceFile(path.resolve(entry))!)!;
const byFace = new Map<string, string[]>();
for (const s of checker.getExportsOfModule(mod)) {
  const name = s.getName();
  if (nodeNames.has(name)) continue;
  const r = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  const file = path.relative('src', r.declarations![0]!.getSourceFile().fileName);
  const face = file.startsWith('..') ? 'tf' : file.includes('/') ? file.split('/')[0]! : file.replace('.ts', '');
  const isType = !(r.flags & ts.SymbolFlags.Value);
  (byFace.get(face) ?? byFace.set(face, []).get(face)!).push(isType ? `type ${name}` : name);
}
for (const [f, l] of byFace) console.log(f, l.sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', ''))).join(', '));
